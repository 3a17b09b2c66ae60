using System.Text.Json;
using ImbLab.Core;
using ImbLab.Core.Specs;
using ImbLab.Study.Planning;
using Xunit;

namespace ImbLab.Tests.Core.Specs;

/// <summary>The remedy catalogue's parser: names, parameters, defaults, ranges, combinations and the canonical text.</summary>
public sealed class RemedySpecTests
{
    private static Remedy Any(string text) => RemedyCatalog.Parse(text, Settings.Remedies, requireAvailable: false);

    private static string Refused(string text) => Assert.Throws<UsageException>(() => Any(text)).Message;

    [Theory]
    [InlineData("none", "none")]
    [InlineData("weights:inv", "weights:inv")]
    [InlineData("Weights:SQRT", "weights:sqrt")]
    [InlineData("cb", "cb:beta=0.999")]
    [InlineData("cb:beta=0.99", "cb:beta=0.99")]
    [InlineData("focal", "focal:gamma=2")]
    [InlineData("focal:alpha=0.25:gamma=1", "focal:gamma=1:alpha=0.25")]
    [InlineData("ldam", "ldam:margin=0.5:s=30")]
    [InlineData("ldam-drw", "ldam-drw:margin=0.5:s=30:at=0.8:beta=0.9999")]
    [InlineData("drw:at=0.5", "drw:at=0.5:beta=0.9999")]
    [InlineData("drs", "drs:at=0.8")]
    [InlineData("crt:epochs=5", "crt:epochs=5")]
    [InlineData("remix:tau=0.5:kappa=3", "remix:kappa=3:tau=0.5")]
    [InlineData("smote", "smote:k=5")]
    [InlineData(" la-loss + smote ", "smote:k=5+la-loss:tau=1")]
    [InlineData("posthoc-la+focal+mixup", "mixup:alpha=1+focal:gamma=2+posthoc-la:tau=1")]
    [InlineData("early-stop", "early-stop:val=0.2:patience=20")]
    [InlineData("threshold:val=0.25", "threshold:val=0.25")]
    [InlineData("gdro:eta=1e-3", "gdro:eta=0.001")]
    public void Given_a_remedy_text_When_parsed_Then_its_canonical_text_has_every_default_in_a_fixed_order(string text, string canonical)
    {
        var remedy = Any(text);
        Assert.Equal(canonical, remedy.Canonical);
        Assert.Equal(canonical, Any(remedy.Canonical).Canonical);
    }

    [Theory]
    [InlineData("ldam-drw:margin=0.5:s=30:at=0.8:beta=0.9999", "ldam-drw")]
    [InlineData("focal:gamma=3", "focal:gamma=3")]
    [InlineData("smote:k=5+la-loss:tau=1", "smote+la-loss")]
    [InlineData("drw:at=0.5:beta=0.9999", "drw:at=0.5")]
    [InlineData("weights:inv", "weights:inv")]
    [InlineData("not-a-remedy:x=1", "not-a-remedy:x=1")]
    public void Given_a_stored_remedy_text_When_shortened_for_a_label_Then_its_default_parameters_are_left_out(string canonical, string label) =>
        Assert.Equal(label, Remedy.ShortOf(canonical));

    [Fact]
    public void Given_every_remedy_of_the_catalogue_When_its_canonical_text_is_parsed_Then_it_is_itself()
    {
        Assert.Equal(27, RemedyCatalog.All.Count); // the table: 27 names on the CLI
        foreach (var kind in RemedyCatalog.All)
        {
            var remedy = Any(kind.Name);
            Assert.Equal(remedy, Any(remedy.Canonical));
            Assert.Equal(kind.Name, Assert.Single(remedy.Parts).Name);
        }
    }

    [Theory]
    [InlineData("foccal", "'foccal' is not a remedy; did you mean focal?")]
    [InlineData("smot", "did you mean smote?")]
    [InlineData("weights", "weights needs a kind; accepted: weights:inv or weights:sqrt")]
    [InlineData("weights:cube", "'weights:cube' is not a remedy")]
    [InlineData("cb:beta=1", "cb:beta=1': beta=1 is out of range; accepted: beta a number in (0, 1)")]
    [InlineData("cb:gamma=2", "'gamma=2' is not a parameter of cb; accepted: cb:beta=<a number in (0, 1)>")]
    [InlineData("ros:k=3", "ros takes no parameters")]
    [InlineData("smote:k=2.5", "accepted: k a whole number 1..100")]
    [InlineData("focal:gamma=1:gamma=2", "gamma is given twice")]
    [InlineData("focal:gamma", "gamma needs a value; accepted: focal:gamma=<a number in [0, 20]>")]
    [InlineData("smote+", "has an empty part")]
    [InlineData("", "an empty remedy")]
    public void Given_a_bad_remedy_When_parsed_Then_one_line_says_what_was_found_and_what_is_accepted(string text, string expected)
    {
        var message = Refused(text);
        Assert.Contains(expected, message);
        Assert.StartsWith("remedies: ", message);
        Assert.DoesNotContain('\n', message);
    }

    [Theory]
    [InlineData("none+cb", "none is the baseline")]
    [InlineData("cb+cb", "cb appears twice")]
    [InlineData("la-loss+balanced-softmax", "the prior is counted twice")]
    [InlineData("posthoc-la+la-loss", "counts the prior twice")]
    [InlineData("gdro+balanced-batches", "gdro brings its own class-balanced batches")]
    [InlineData("gdro+mixup", "belongs to two classes")]
    [InlineData("pcngd+cb", "class weights of cb cancel")]
    [InlineData("pcngd+remix", "a row remix mixes belongs to two classes")]
    [InlineData("crt+drw", "both second stages")]
    [InlineData("crt+early-stop", "a crt stage after that is not defined")]
    [InlineData("smote+balanced-batches", "smote already balances the training part")]
    [InlineData("focal+cb", "are both losses")]
    [InlineData("balanced-batches+sqrt-sampling", "both set the batch order")]
    [InlineData("ros+smote", "both re-sample the training part")]
    [InlineData("mixup+remix", "both mix pairs of rows")]
    [InlineData("tau-norm+posthoc-la", "both change the prediction")]
    [InlineData("threshold+early-stop", "both carve a validation split")]
    public void Given_a_combination_that_makes_no_sense_When_parsed_Then_it_is_refused_with_why(string text, string why)
    {
        var message = Refused(text);
        Assert.Contains($"'{text}' is refused: ", message);
        Assert.Contains(why, message);
    }

    [Theory]
    [InlineData("smote+la-loss")]
    [InlineData("ros+focal")]
    [InlineData("mixup+ldam-drw")]
    [InlineData("balanced-batches+crt")]
    [InlineData("pcngd+focal+balanced-batches")]
    [InlineData("label-smoothing+tau-norm")]
    [InlineData("gdro+early-stop")]
    public void Given_a_combination_that_makes_sense_When_parsed_Then_it_is_accepted(string text) =>
        Assert.True(Any(text).Parts.Count > 1);

    [Fact]
    public void Given_a_remedy_whose_piece_is_not_in_this_build_When_parsed_for_a_study_Then_it_is_refused_as_not_available_yet()
    {
        foreach (var kind in RemedyCatalog.All.Where(k => !k.Available))
        {
            var message = Assert.Throws<UsageException>(() => RemedyCatalog.Parse(kind.Name)).Message;
            Assert.Contains($"'{kind.Name}' is not available yet", message);
        }
        Assert.True(RemedyCatalog.Find("none")!.Available);
    }

    [Fact]
    public void Given_a_list_naming_one_remedy_twice_When_parsed_as_levels_Then_it_is_refused()
    {
        var message = Assert.Throws<UsageException>(() => RemedyCatalog.ParseLevels(["none", "none"])).Message;
        Assert.Contains("'none' is listed twice", message);
    }

    [Fact]
    public void Given_the_default_remedies_When_the_spec_is_written_Then_the_field_is_left_out_and_the_study_id_does_not_move()
    {
        var plain = new StudySpec { Data = ["synthetic:rows=200,d=3"], Protocols = ["natural"], Seeds = 1, Model = new ModelSpec { Epochs = 1 } };
        var none = plain with { Remedies = ["none"] };

        Assert.DoesNotContain("remedies", plain.ToJson());
        Assert.Equal(plain.ToJson(), none.ToJson());
        var a = StudyPlan.Create(plain);
        var b = StudyPlan.Create(none);
        Assert.Equal(a.StudyId, b.StudyId);
        Assert.Equal(a.Runs.Select(r => r.RunId), b.Runs.Select(r => r.RunId));
        // Runs of none keep the config JSON (so the ids) they had before remedies existed: no remedy field.
        Assert.All(a.Runs, r => Assert.DoesNotContain("remedy", r.ConfigJson));
        Assert.All(a.Runs, r => Assert.True(r.Remedy.IsNone));
    }

    [Fact]
    public void Given_a_study_file_with_remedies_When_read_and_written_Then_they_round_trip_and_a_null_is_refused()
    {
        var spec = JsonSerializer.Deserialize<StudySpec>("""{"remedies": ["none", "cb:beta=0.99"]}""", StudySpec.Json)!;
        Assert.Equal(new[] { "none", "cb:beta=0.99" }, spec.Remedies);
        Assert.Contains("\"remedies\":[\"none\",\"cb:beta=0.99\"]", spec.ToJson());
        Assert.Equal(spec.Remedies, JsonSerializer.Deserialize<StudySpec>(spec.ToJson(), StudySpec.Json)!.Remedies);

        var nulled = JsonSerializer.Deserialize<StudySpec>("""{"remedies": null}""", StudySpec.Json)!;
        Assert.Contains(nulled.NullProblems(), p => p.StartsWith("remedies: null is not accepted", StringComparison.Ordinal));
    }

    [Fact]
    public void Given_an_unavailable_remedy_in_a_study_When_planned_Then_the_plan_is_refused_before_anything_loads()
    {
        var unavailable = RemedyCatalog.All.FirstOrDefault(k => !k.Available);
        if (unavailable is null) return; // every remedy is in this build
        var spec = new StudySpec { Data = ["no-such-file.dat"], Remedies = ["none", unavailable.Name] };
        var message = Assert.Throws<UsageException>(() => StudyPlan.Create(spec)).Message;
        Assert.Contains("not available yet", message);
    }
}
