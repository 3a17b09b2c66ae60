using ImbLab.Core;
using Xunit;

namespace ImbLab.Tests.Core;

public sealed class StagedFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imblab-staged-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Given_two_writers_of_the_same_file_When_both_stage_then_commit_Then_neither_loses_its_temporary_file_and_one_whole_version_remains()
    {
        // Two workers of one study both write its report at the end: the second's rename found its temporary file gone
        // ("Could not find file ...svg.partial") when both used the same temporary name.
        var final = Path.Combine(_dir, "report.html");
        using var a = new StagedFiles();
        using var b = new StagedFiles();
        a.WriteText(final, "from a");
        b.WriteText(final, "from b");

        a.Commit();
        b.Commit();

        Assert.Equal("from b", File.ReadAllText(final));
        Assert.Empty(Directory.GetFiles(_dir, "*" + StagedFiles.Suffix));
    }

    [Fact]
    public void Given_staged_files_When_disposed_without_commit_Then_no_final_file_and_no_temporary_file_remain()
    {
        var final = Path.Combine(_dir, "x.csv");
        using (var staged = new StagedFiles()) staged.WriteText(final, "half");
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
