using System.Diagnostics;
using System.Text.Json.Nodes;
using LocalCloud.Tests.Infrastructure;

namespace LocalCloud.Tests.Sdk;

/// <summary>
/// The platforms' own npm SDKs (<c>@cloudbase/node-sdk</c>, <c>wx-server-sdk</c>, <c>minapp-sdk</c>), pointed at the
/// local cloud by one setting. <c>TENCENTCLOUD=true</c> keeps the Tencent SDKs off the cloud metadata host.
/// </summary>
public sealed class PlatformSdkTests : IAsyncLifetime
{
    private static readonly string SdkFolder = FindSdkFolder();
    private LocalCloudHost _host = null!;

    public async Task InitializeAsync() => _host = await LocalCloudHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("cloudbase-call.js")]
    [InlineData("wx-server-call.js")]
    public async Task TencentSdks_CallFunction_GetTheResult(string script)
    {
        var outcome = await RunAsync(script, ("FUNCTION", "add"), ("DATA", """{"x": 20, "y": 22}"""));

        outcome["ok"]!.GetValue<bool>().ShouldBeTrue(outcome.ToJsonString());
        outcome["result"]!.GetValue<int>().ShouldBe(42);
        outcome["requestId"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("cloudbase-call.js", "nothing_here", "FUNCTION_NOT_FOUND")]
    [InlineData("cloudbase-call.js", "fail", "FUNCTION_INVOCATION_FAILED")]
    [InlineData("wx-server-call.js", "nothing_here", "FUNCTION_NOT_FOUND")]
    public async Task TencentSdks_Failure_RejectsWithThePlatformCode(string script, string function, string code)
    {
        var outcome = await RunAsync(script, ("FUNCTION", function));

        outcome["ok"]!.GetValue<bool>().ShouldBeFalse();
        outcome["code"]!.GetValue<string>().ShouldBe(code);
    }

    [Fact]
    public async Task CloudBaseSdk_ApiKey_SentAsBearer()
    {
        var outcome = await RunAsync("cloudbase-call.js", ("FUNCTION", "echo"), ("DATA", """{"k": "v"}"""), ("API_KEY", "local-api-key"));

        outcome["result"]!["k"]!.GetValue<string>().ShouldBe("v");
    }

    [Fact]
    public async Task CloudBaseSdk_UnknownApiKey_Rejected()
    {
        var outcome = await RunAsync("cloudbase-call.js", ("FUNCTION", "echo"), ("API_KEY", "forged"));

        outcome["code"]!.GetValue<string>().ShouldBe("INVALID_CREDENTIALS");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1")]
    public async Task MinAppSdk_Invoke_GetsCodeAndData(string login)
    {
        var outcome = await RunAsync("minapp-call.js", ("FUNCTION", "add"), ("DATA", """{"x": 1, "y": 2}"""), ("LOGIN", login));

        outcome["ok"]!.GetValue<bool>().ShouldBeTrue(outcome.ToJsonString());
        outcome["result"]!["code"]!.GetValue<int>().ShouldBe(0);
        outcome["result"]!["data"]!.GetValue<int>().ShouldBe(3);
    }

    [Fact]
    public async Task MinAppSdk_Async_StatusOk()
    {
        var outcome = await RunAsync("minapp-call.js", ("FUNCTION", "echo"), ("SYNC", "0"));

        outcome["result"]!["status"]!.GetValue<string>().ShouldBe("ok");
    }

    [Fact]
    public async Task MinAppSdk_UnknownFunction_RejectsWith404()
    {
        var outcome = await RunAsync("minapp-call.js", ("FUNCTION", "nothing_here"));

        outcome["ok"]!.GetValue<bool>().ShouldBeFalse();
        outcome["code"]!.GetValue<int>().ShouldBe(404);
    }

    private async Task<JsonNode> RunAsync(string script, params (string Name, string Value)[] environment)
    {
        var startInfo = new ProcessStartInfo("node", [Path.Combine(SdkFolder, script)])
        {
            WorkingDirectory = SdkFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.Environment["TENCENTCLOUD"] = "true";
        startInfo.Environment["LOCAL_CLOUD_URL"] = _host.BaseAddress.ToString().TrimEnd('/');
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        var line = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(text => text.StartsWith('{'));
        return JsonNode.Parse(line ?? throw new InvalidOperationException($"{script} printed no outcome (exit {process.ExitCode}): {await errors}"))!;
    }

    private static string FindSdkFolder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "tests", "LocalCloud.Tests", "sdk");
            if (File.Exists(Path.Combine(candidate, "package.json")))
            {
                return Directory.Exists(Path.Combine(candidate, "node_modules"))
                    ? candidate
                    : throw new InvalidOperationException($"The SDKs are not installed: run 'npm ci --prefix {candidate}' (scripts/test.sh does).");
            }
        }

        throw new InvalidOperationException("tests/LocalCloud.Tests/sdk was not found above " + AppContext.BaseDirectory);
    }
}
