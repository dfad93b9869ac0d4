using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Npgsql;

namespace AllianceMonitor.Api.Development;

/// <summary>
/// A PostgreSQL cluster in a folder of our own, started from the machine's binaries: the embedded default for
/// development and the throwaway database for tests. It listens on loopback only, on a free port, with a
/// generated password. PostgreSQL refuses to run as root, so as root it runs as the <c>postgres</c> user.
/// </summary>
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    private const string Superuser = "alliance";
    private const string ServiceUser = "postgres";

    /// <summary>Starts tried on a new port when the one chosen was taken before the server bound it.</summary>
    private const int PortAttempts = 5;

    private readonly string _binDir;
    private readonly string _dataDir;
    private readonly string _password;
    private readonly bool _startedHere;

    private LocalPostgresCluster(string binDir, string dataDir, string password, int port, bool startedHere)
    {
        _binDir = binDir;
        _dataDir = dataDir;
        _password = password;
        Port = port;
        _startedHere = startedHere;
    }

    public int Port { get; }

    /// <summary>
    /// Starts the cluster kept under <paramref name="root"/>, creating it on first use. A cluster that is already
    /// running (another instance of the service) is reused and left running on dispose.
    /// </summary>
    public static Task<LocalPostgresCluster> StartAsync(string root, string binDir, CancellationToken cancellationToken = default) =>
        StartAsync(root, binDir, FreeLoopbackPort, cancellationToken);

    /// <param name="choosePort">A port free when asked; tests pass one that is taken by the time the server binds it.</param>
    internal static async Task<LocalPostgresCluster> StartAsync(string root, string binDir, Func<int> choosePort, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(root);
        var dataDir = Path.Combine(root, "pgdata");
        var passwordFile = Path.Combine(root, "superuser.password");

        if (!File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            await InitializeAsync(binDir, dataDir, passwordFile, cancellationToken);
        }

        var password = (await File.ReadAllTextAsync(passwordFile, cancellationToken)).Trim();
        if (RunningPort(dataDir) is { } runningPort)
        {
            return new LocalPostgresCluster(binDir, dataDir, password, runningPort, startedHere: false);
        }

        // A free port is only free when asked: another process (a parallel test run's cluster, a benchmark) can bind it
        // before the server does. The server then exits; a new port is tried, unless it failed for another reason.
        for (var attempt = 1; ; attempt++)
        {
            var port = choosePort();
            try
            {
                await RunAsync(binDir, "pg_ctl", cancellationToken,
                    "start", "-D", dataDir, "-w", "-t", "60", "-l", Path.Combine(dataDir, "log", "server.log"), "-o", $"-p {port}");
                return new LocalPostgresCluster(binDir, dataDir, password, port, startedHere: true);
            }
            catch (InvalidOperationException) when (attempt < PortAttempts && IsTaken(port))
            {
                // Someone else listens there now: choose again.
            }
        }
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Password = _password,
        Database = database,
    }.ConnectionString;

    public async Task EnsureDatabaseAsync(string name, string? template = null, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.AddWithValue(name);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        var sql = $"CREATE DATABASE {Quote(name)}" + (template is null ? "" : $" TEMPLATE {Quote(template)}");
        await using var create = new NpgsqlCommand(sql, connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task StopAsync()
    {
        if (_startedHere && RunningPort(_dataDir) is not null)
        {
            await RunAsync(_binDir, "pg_ctl", CancellationToken.None, "stop", "-D", _dataDir, "-m", "fast", "-w");
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static async Task InitializeAsync(string binDir, string dataDir, string passwordFile, CancellationToken cancellationToken)
    {
        var password = Convert.ToHexString(RandomNumberGenerator.GetBytes(24));
        await File.WriteAllTextAsync(passwordFile, password, cancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        Directory.CreateDirectory(dataDir);
        var initPasswordFile = Path.Combine(dataDir, "..", "initdb.pw");
        await File.WriteAllTextAsync(initPasswordFile, password, cancellationToken);
        try
        {
            await HandToServiceUserAsync(dataDir, cancellationToken);
            await HandToServiceUserAsync(initPasswordFile, cancellationToken);
            await RunAsync(binDir, "initdb", cancellationToken,
                "-D", dataDir, "-U", Superuser, "--pwfile", initPasswordFile, "--auth", "scram-sha-256", "-E", "UTF8", "--no-instructions");
        }
        finally
        {
            File.Delete(initPasswordFile);
        }

        // Loopback only, no Unix socket: nothing outside this machine can reach the cluster.
        await File.AppendAllTextAsync(Path.Combine(dataDir, "postgresql.conf"),
            "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nlogging_collector = off\nfsync = on\n",
            cancellationToken);
        // initdb ran as the service user, so only the folder made here afterwards needs handing over.
        var logDir = Path.Combine(dataDir, "log");
        Directory.CreateDirectory(logDir);
        await HandToServiceUserAsync(logDir, cancellationToken);
    }

    private static int? RunningPort(string dataDir)
    {
        var pidFile = Path.Combine(dataDir, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        // postmaster.pid: line 1 the pid, line 4 the port. A stale file from a crash names a dead process.
        var lines = File.ReadAllLines(pidFile);
        if (lines.Length < 4 || !int.TryParse(lines[0], out var pid) || !int.TryParse(lines[3], out var port))
        {
            return null;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : port;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsTaken(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static Task HandToServiceUserAsync(string path, CancellationToken cancellationToken) =>
        Environment.IsPrivilegedProcess
            ? RunProcessAsync("chown", ["-R", $"{ServiceUser}:{ServiceUser}", path], Path.GetTempPath(), cancellationToken)
            : Task.CompletedTask;

    private static Task RunAsync(string binDir, string program, CancellationToken cancellationToken, params string[] arguments)
    {
        var executable = Path.Combine(binDir, program);
        var workingDirectory = Path.GetTempPath();
        return Environment.IsPrivilegedProcess
            ? RunProcessAsync("runuser", ["-u", ServiceUser, "--", executable, .. arguments], workingDirectory, cancellationToken)
            : RunProcessAsync(executable, arguments, workingDirectory, cancellationToken);
    }

    private static async Task RunProcessAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}");

        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            var output = string.Concat(await stdout, await stderr).Trim();
            throw new InvalidOperationException($"{Path.GetFileName(fileName)} {string.Join(' ', arguments)} failed (exit {process.ExitCode}): {output}");
        }
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
