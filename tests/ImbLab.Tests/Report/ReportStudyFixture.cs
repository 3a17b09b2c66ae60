using ImbLab.Report;
using ImbLab.Study;
using ImbLab.Core.Results;
using ImbLab.Store;
using Xunit;
using ImbLab.Core.Specs;

namespace ImbLab.Tests.Report;

/// <summary>One small real study and its report, shared by the report tests (training it once keeps them fast).</summary>
public sealed class ReportStudyFixture : IDisposable
{
    public ReportStudyFixture()
    {
        Dir = Directory.CreateTempSubdirectory("imblab-report-").FullName;
        StorePath = Path.Combine(Dir, "imblab.db");
        var spec = new StudySpec
        {
            Name = "report-test",
            Data = ["synthetic:rows=600,d=4"],
            Protocols = ["subsample-minority"],
            Irs = [1, 5],
            Seeds = 2,
            Model = new ModelSpec { Hidden = [8], Epochs = 5, BatchSize = 16 },
        };
        StudyId = StudyPipeline.Train(spec, StorePath, threads: 2, progress: null, CancellationToken.None).StudyId;
        HtmlPath = Path.Combine(Dir, "report.html");
        using var data = StudyStore.Load(StorePath, null);
        Result = ReportWriter.Write(data, data.Findings, HtmlPath, new ReportOptions { Png = true }, CancellationToken.None);
        Html = File.ReadAllText(HtmlPath);
    }

    public string Dir { get; }
    public string StorePath { get; }
    internal string StudyId { get; }
    public string HtmlPath { get; }
    internal ReportResult Result { get; }
    public string Html { get; }

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}

[CollectionDefinition(Name)]
public sealed class ReportCollection : ICollectionFixture<ReportStudyFixture>
{
    public const string Name = "report study";
}
