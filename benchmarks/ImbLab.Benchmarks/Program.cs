using BenchmarkDotNet.Running;
using ImbLab.Benchmarks;

if (args.Length > 0 && args[0] == "w") return WorkloadCommand.Run(args);
if (args.Length > 0 && args[0] == "kernels") return KernelProbe.Run();
if (args.Length > 0 && args[0] == "report") return ReportBenchmark.Run(args);
if (args.Length > 0 && args[0] == "smote") return SmoteBenchmark.Run(args);
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
