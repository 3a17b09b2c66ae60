namespace ImbLab.Tests.Store;

/// <summary>A clock the test moves by hand; its timers fire only when it is advanced past their due time.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly List<Timer> _timers = [];
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by)
    {
        _now += by;
        foreach (var timer in _timers.ToList()) timer.FireIfDue(_now);
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new Timer(this, callback, state, _now + dueTime, period);
        _timers.Add(timer);
        return timer;
    }

    private sealed class Timer(ManualClock clock, TimerCallback callback, object? state, DateTimeOffset due, TimeSpan period) : ITimer
    {
        private DateTimeOffset? _due = due;

        public void FireIfDue(DateTimeOffset now)
        {
            if (_due is not { } d || d > now) return;
            _due = period > TimeSpan.Zero && period != Timeout.InfiniteTimeSpan ? now + period : null;
            callback(state);
        }

        public bool Change(TimeSpan dueTime, TimeSpan newPeriod)
        {
            _due = clock._now + dueTime;
            return true;
        }

        public void Dispose() => clock._timers.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
