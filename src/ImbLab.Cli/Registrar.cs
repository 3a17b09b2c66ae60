using Spectre.Console.Cli;

namespace ImbLab.Cli;

/// <summary>
/// A minimal type registrar for Spectre.Console.Cli: registered instances, and constructor injection for commands.
/// Small enough that a DI container would be more code to configure than this.
/// </summary>
internal sealed class Registrar : ITypeRegistrar
{
    private readonly Dictionary<Type, Func<object>> _factories = [];

    public void Register(Type service, Type implementation) => _factories[service] = () => Create(implementation);

    public void RegisterInstance(Type service, object implementation) => _factories[service] = () => implementation;

    public void RegisterLazy(Type service, Func<object> factory) => _factories[service] = factory;

    public ITypeResolver Build() => new Resolver(this);

    private object Create(Type type)
    {
        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var args = ctor.GetParameters().Select(p => Resolve(p.ParameterType)
            ?? throw new InvalidOperationException($"cannot resolve {p.ParameterType.Name} for {type.Name}")).ToArray();
        return ctor.Invoke(args);
    }

    private object? Resolve(Type? type)
    {
        if (type is null) return null;
        if (_factories.TryGetValue(type, out var factory)) return factory();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>))
        {
            // "All registered T": at most the one registered, else none.
            var element = type.GetGenericArguments()[0];
            var single = _factories.TryGetValue(element, out var f) ? f() : null;
            var array = Array.CreateInstance(element, single is null ? 0 : 1);
            if (single is not null) array.SetValue(single, 0);
            return array;
        }
        if (type.IsAbstract || type.IsInterface) return null;
        return Create(type);
    }

    private sealed class Resolver(Registrar registrar) : ITypeResolver
    {
        public object? Resolve(Type? type) => registrar.Resolve(type);
    }
}
