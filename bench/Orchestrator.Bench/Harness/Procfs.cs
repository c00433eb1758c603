using System.Globalization;

namespace Orchestrator.Bench.Harness;

/// <summary>CPU time and memory of processes, read from Linux's <c>/proc</c>.</summary>
internal static class Procfs
{
    // USER_HZ: the unit of /proc/[pid]/stat's times, 100 on every Linux architecture .NET runs on.
    private const double TicksPerSecond = 100;

    /// <summary>Every process: its command name, parent and CPU seconds (user + system) so far.</summary>
    public static Dictionary<int, ProcessCpu> Snapshot()
    {
        var processes = new Dictionary<int, ProcessCpu>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));

                // The command name is in parentheses and may itself hold spaces or parentheses.
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var fields = stat[(close + 2)..].Split(' ');

                // After the name: state, ppid, ... utime is field 14 and stime field 15 of the whole line.
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                processes[pid] = new ProcessCpu(pid, stat[(open + 1)..close], int.Parse(fields[1], CultureInfo.InvariantCulture), ticks / TicksPerSecond);
            }
            catch (IOException)
            {
                // It exited while we looked.
            }
        }

        return processes;
    }

    /// <summary>The process listening on a local TCP port (PostgreSQL's postmaster, RabbitMQ's Erlang VM), if it is on this machine.</summary>
    public static int? Listening(int port)
    {
        var hexPort = port.ToString("X4", CultureInfo.InvariantCulture);
        var inodes = new HashSet<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.Exists(table) ? File.ReadLines(table).Skip(1) : [])
            {
                // sl local_address rem_address st ... inode: state 0A is LISTEN.
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields[1].EndsWith(":" + hexPort, StringComparison.Ordinal) && fields[3] == "0A")
                {
                    inodes.Add($"socket:[{fields[9]}]");
                }
            }
        }

        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (inodes.Count == 0 || !int.TryParse(Path.GetFileName(folder), out var pid))
            {
                continue;
            }

            try
            {
                if (Directory.EnumerateFiles(Path.Combine(folder, "fd")).Any(fd => new FileInfo(fd).LinkTarget is { } target && inodes.Contains(target)))
                {
                    return pid;
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Gone, or not ours to look into.
            }
        }

        return null;
    }

    /// <summary>The highest resident set size of a process, sampled every 100 ms until <paramref name="cancellationToken"/> is cancelled.</summary>
    public static async Task<long> PeakResidentAsync(int pid, CancellationToken cancellationToken)
    {
        var peak = ResidentBytes(pid);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                peak = Math.Max(peak, ResidentBytes(pid));
            }
        }
        catch (OperationCanceledException)
        {
        }

        return Math.Max(peak, ResidentBytes(pid));
    }

    /// <summary>The resident set size of a process in bytes, or 0 when it is gone.</summary>
    public static long ResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}

/// <summary>One process's CPU seconds so far.</summary>
internal readonly record struct ProcessCpu(int Pid, string Command, int ParentPid, double Seconds);
