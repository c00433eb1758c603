using System.ComponentModel.DataAnnotations;
using LocalCloud.CloudBase;
using LocalCloud.Faults;
using LocalCloud.MinApp;
using LocalCloud.WeChat;

namespace LocalCloud;

/// <summary>The local cloud's settings, bound from the <c>LocalCloud</c> section.</summary>
public sealed class LocalCloudOptions
{
    public const string SectionName = "LocalCloud";

    /// <summary>A folder of functions, <c>&lt;dir&gt;/&lt;name&gt;/index.js</c> or <c>&lt;dir&gt;/&lt;name&gt;.js</c>.</summary>
    /// <value>The default value is <see langword="null"/>: only the samples and functions created through the API.</value>
    public string? FunctionsPath { get; set; }

    /// <summary>Whether the sample functions (<c>echo</c>, <c>add</c>, <c>slow</c>, <c>fail</c>) are loaded.</summary>
    /// <value>The default value is <see langword="true"/>.</value>
    public bool LoadSamples { get; set; } = true;

    /// <summary>How many long-lived Node.js worker processes run the functions.</summary>
    /// <value>The default value is 2.</value>
    [Range(1, 64)]
    public int Workers { get; set; } = 2;

    /// <summary>The Node.js executable.</summary>
    /// <value>The default value is <c>node</c> (from <c>PATH</c>).</value>
    [Required]
    public string NodePath { get; set; } = "node";

    /// <summary>How long a worker whose job ran past its limit may take to answer a ping before it is replaced.</summary>
    /// <value>The default value is 1,000 ms.</value>
    [Range(50, 60_000)]
    public int UnresponsiveWorkerMilliseconds { get; set; } = 1_000;

    public MinAppOptions MinApp { get; set; } = new();

    public CloudBaseOptions CloudBase { get; set; } = new();

    public WeChatOptions WeChat { get; set; } = new();

    /// <summary>Faults to inject from the start; they can be replaced at run time through <c>PUT /_localcloud/faults</c>.</summary>
    public List<FaultRule> Faults { get; set; } = [];
}
