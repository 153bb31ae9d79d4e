namespace Fleet.Core.Playbooks;

/// <summary>
/// A task, block or play keyword written as a template (<c>ignore_errors: "{{ ansible_check_mode }}"</c>): parsed when the
/// playbook loads, rendered for each host when its task runs. The keyword's literal value is then unset in the model.
/// </summary>
/// <param name="Keyword">The keyword's name as written (<c>ignore_errors</c>, <c>retries</c>…).</param>
/// <param name="Text">The template as written.</param>
/// <param name="Location">Where the value is written.</param>
public sealed record KeywordTemplate(string Keyword, string Text, SourceLocation Location);
