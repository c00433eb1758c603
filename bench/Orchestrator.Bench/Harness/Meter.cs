namespace Orchestrator.Bench.Harness;

/// <summary>
/// Where the machine's CPU went during a workload, per role (the orchestrator, RabbitMQ, PostgreSQL, the producer, ...),
/// and the peak resident memory of one process, sampled every 100 ms.
/// </summary>
internal sealed class Meter
{
    private readonly Dictionary<int, string> roles = new() { [Environment.ProcessId] = "producer (harness)" };

    public void Name(int pid, string role) => roles[pid] = role;

    /// <summary>Names the server listening on <paramref name="port"/> and everything it starts.</summary>
    public void NameServer(int port, string role)
    {
        if (Procfs.Listening(port) is { } pid)
        {
            roles[pid] = role;
        }
    }

    public Measurement Start(int? residentPid) => new(this, residentPid);

    /// <summary>CPU seconds per role: a process belongs to its nearest named ancestor (a PostgreSQL backend to its postmaster).</summary>
    private Dictionary<string, double> ByRole(Dictionary<int, ProcessCpu> before, Dictionary<int, ProcessCpu> after)
    {
        var seconds = new Dictionary<string, double>();
        foreach (var process in after.Values)
        {
            var used = process.Seconds - (before.TryGetValue(process.Pid, out var earlier) && earlier.Command == process.Command ? earlier.Seconds : 0);
            if (used > 0 && RoleOf(process, after) is { } role)
            {
                seconds[role] = seconds.GetValueOrDefault(role) + used;
            }
        }

        return seconds;
    }

    private string? RoleOf(ProcessCpu process, Dictionary<int, ProcessCpu> all)
    {
        for (var current = process; ; current = all[current.ParentPid])
        {
            if (roles.TryGetValue(current.Pid, out var role))
            {
                return role;
            }

            if (!all.ContainsKey(current.ParentPid))
            {
                return null;
            }
        }
    }

    public sealed class Measurement
    {
        private readonly Meter meter;
        private readonly Dictionary<int, ProcessCpu> before = Procfs.Snapshot();
        private readonly CancellationTokenSource stop = new();
        private readonly Task<long> sampler;

        public Measurement(Meter meter, int? residentPid)
        {
            this.meter = meter;
            sampler = residentPid is { } pid ? Procfs.PeakResidentAsync(pid, stop.Token) : Task.FromResult(0L);
        }

        public async Task<Usage> StopAsync()
        {
            var after = Procfs.Snapshot();
            await stop.CancelAsync();
            return new Usage(meter.ByRole(before, after), await sampler);
        }
    }
}

/// <summary>CPU seconds per role during a workload, and the peak resident bytes of the measured process.</summary>
internal sealed record Usage(Dictionary<string, double> CpuSeconds, long PeakResidentBytes);
