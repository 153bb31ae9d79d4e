using Fleet.Core.Execution;
using Fleet.Core.Facts;
using Fleet.Core.Modules;
using Fleet.Core.Modules.Files;

namespace Fleet.Core.Tests.Execution;

/// <summary>Check mode's predictions: a change not run makes what it touches unknown, except the values its planner predicted.</summary>
public sealed class CheckModePredictorTests
{
    [Fact]
    public void Predict_TouchedFactIsUnknown_OthersAreNot()
    {
        var predictor = new CheckModePredictor(new FactCache());

        predictor.Predict(new Change(["write"], "true", [Subject.Path("/etc/app.conf")]));

        Assert.True(predictor.IsPredicted(new FileFact("/etc/app.conf")));
        Assert.False(predictor.IsPredicted(new FileFact("/etc/hosts")));
    }

    [Fact]
    public void Predict_PredictedValue_IsKnownAndSetInTheCache()
    {
        var facts = new FactCache();
        var predictor = new CheckModePredictor(facts);
        var fact = new FileFact("/etc/app.conf");

        predictor.Predict(new Change(["write"], "true", [Subject.Path("/etc/app.conf")]) { Predicted = new Dictionary<Fact, object> { [fact] = FileState.Missing } });

        Assert.False(predictor.IsPredicted(fact));
        Assert.True(facts.Contains(fact));
    }

    [Fact]
    public void Predict_ALaterChangeTouchingAPredictedFact_MakesItUnknownAgain()
    {
        var predictor = new CheckModePredictor(new FactCache());
        var fact = new FileFact("/etc/app.conf");
        predictor.Predict(new Change(["write"], "true", [Subject.Path("/etc/app.conf")]) { Predicted = new Dictionary<Fact, object> { [fact] = FileState.Missing } });

        predictor.Predict(new Change(["remove"], "true", [Subject.Path("/etc/app.conf")]));

        Assert.True(predictor.IsPredicted(fact));
    }

    [Fact]
    public void Predict_AChangeTouchingAnything_MakesEveryFactUnknown()
    {
        var predictor = new CheckModePredictor(new FactCache());

        predictor.Predict(new Change(["run"], "true"));

        Assert.True(predictor.IsPredicted(new SystemFact()));
    }

    [Fact]
    public void Cause_AfterAChangeTouchingAnything_NamesThatChange()
    {
        // "after an earlier change to user deploy" did not say which change: the report names it.
        var predictor = new CheckModePredictor(new FactCache());
        predictor.Predict(new Change(["install sudo 1.9"], "true"));
        predictor.Predict(new Change(["install chrony 4.3"], "true"));

        Assert.Equal("install sudo 1.9", predictor.Cause(new SystemFact()));
    }

    [Fact]
    public void Cause_FactTouchedByName_IsTheLastChangeTouchingIt()
    {
        var predictor = new CheckModePredictor(new FactCache());
        predictor.Predict(new Change(["create"], "true", [Subject.Path("/etc/app.conf")]));
        predictor.Predict(new Change(["mode 0600"], "true", [Subject.Path("/etc/app.conf")]));
        predictor.Predict(new Change(["other"], "true", [Subject.Path("/etc/other.conf")]));

        Assert.Equal("mode 0600", predictor.Cause(new FileFact("/etc/app.conf")));
        Assert.Null(predictor.Cause(new FileFact("/etc/hosts")));
    }

    [Fact]
    public void Predict_AnotherPathChanged_LinkTargetFactOfANonLinkStaysKnown()
    {
        // A file task on a plain path reads its link-target fact too; an unrelated change must not make it unknown.
        var facts = new FactCache();
        var followed = new FollowedFileFact("/nonexistent/x");
        facts.Set(followed, FileState.Missing);
        var predictor = new CheckModePredictor(facts);

        predictor.Predict(new Change(["write"], "true", [Subject.Path("/etc/fleet-ci-marker")]));

        Assert.False(predictor.IsPredicted(followed));
    }

    [Fact]
    public void Predict_ALinksTargetChanged_LinkTargetFactIsUnknown()
    {
        var facts = new FactCache();
        var followed = new FollowedFileFact("/etc/link");
        facts.Set(followed, FileState.Missing with { LinkTarget = "/srv/target" });
        var predictor = new CheckModePredictor(facts);

        predictor.Predict(new Change(["write"], "true", [Subject.Path("/srv/target")]));

        Assert.True(predictor.IsPredicted(followed));
    }

    [Fact]
    public void Predict_LinkTargetFactNotYetRead_IsUnknownAfterAnyChange()
    {
        var predictor = new CheckModePredictor(new FactCache());

        predictor.Predict(new Change(["write"], "true", [Subject.Path("/etc/other")]));

        Assert.True(predictor.IsPredicted(new FollowedFileFact("/etc/link")));
    }
}
