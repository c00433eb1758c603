using LocalCloud.Http;
using Microsoft.Extensions.Options;

namespace LocalCloud.Jobs;

/// <summary>
/// MinApp's job records, per function, newest first in listings. Ids increase across the app. Beyond
/// <see cref="MinApp.MinAppOptions.JobRetention"/> records per function the oldest finished ones are dropped.
/// </summary>
public sealed class JobStore(IOptions<LocalCloudOptions> options, TimeProvider timeProvider)
{
    private readonly int _retention = options.Value.MinApp.JobRetention;
    private readonly Lock _gate = new();
    private readonly Dictionary<int, List<JobRecord>> _byFunction = [];
    private readonly Dictionary<long, JobRecord> _byId = [];
    private long _nextId;

    public JobRecord Add(int functionId, string source, bool sync)
    {
        lock (_gate)
        {
            var job = new JobRecord
            {
                Id = ++_nextId,
                FunctionId = functionId,
                Source = source,
                ServiceType = sync ? "time_sensitive" : "batch",
                CreatedAt = Now(),
                LogKey = Secrets.NewToken(16),
            };
            if (!_byFunction.TryGetValue(functionId, out var jobs))
            {
                _byFunction[functionId] = jobs = [];
            }

            jobs.Add(job);
            _byId[job.Id] = job;
            if (jobs.Count > _retention + Math.Max(100, _retention / 10))
            {
                Trim(jobs);
            }

            return job;
        }
    }

    /// <summary>An id from the same sequence as the job records', for a run that keeps no record (debug).</summary>
    public long ReserveId()
    {
        lock (_gate)
        {
            return ++_nextId;
        }
    }

    /// <summary>Changes a job under the store's lock, so listings never see half a change.</summary>
    public void Update(JobRecord job, Action<JobRecord, double> change)
    {
        lock (_gate)
        {
            change(job, Now());
        }
    }

    public (int TotalCount, IReadOnlyList<JobSnapshot> Page) Query(int functionId, JobQuery query)
    {
        lock (_gate)
        {
            if (!_byFunction.TryGetValue(functionId, out var jobs))
            {
                return (0, []);
            }

            var total = 0;
            var page = new List<JobSnapshot>(Math.Min(query.Limit, 1_000));
            for (var index = jobs.Count - 1; index >= 0; index--)
            {
                var job = jobs[index];
                if (!query.Matches(job))
                {
                    continue;
                }

                if (total >= query.Offset && page.Count < query.Limit)
                {
                    page.Add(job.Snapshot());
                }

                total++;
            }

            return (total, page);
        }
    }

    /// <summary>A job's log, when <paramref name="logKey"/> is the one its URL carries.</summary>
    public string? FindLog(long id, string logKey)
    {
        lock (_gate)
        {
            return _byId.TryGetValue(id, out var job) && Secrets.Equal(job.LogKey, logKey) ? job.Log : null;
        }
    }

    /// <summary>Forgets the jobs of a deleted function.</summary>
    public void RemoveFunction(int functionId)
    {
        lock (_gate)
        {
            if (_byFunction.Remove(functionId, out var jobs))
            {
                jobs.ForEach(job => _byId.Remove(job.Id));
            }
        }
    }

    private void Trim(List<JobRecord> jobs)
    {
        var excess = jobs.Count - _retention;
        var kept = new List<JobRecord>(jobs.Count);
        foreach (var job in jobs)
        {
            if (excess > 0 && job.IsTerminal)
            {
                _byId.Remove(job.Id);
                excess--;
            }
            else
            {
                kept.Add(job);
            }
        }

        jobs.Clear();
        jobs.AddRange(kept);
    }

    private double Now() => timeProvider.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
}
