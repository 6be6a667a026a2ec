/**
 * Reads one runbook file: YAML frontmatter between `---` lines, then the markdown body with the
 * sections every runbook has. Pure: text in, a runbook or the problems with it out.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { RUNBOOK_SECTIONS, RunbookFrontmatter, type RunbookProblem } from '@ballast/contract';

export interface ParsedRunbook {
  frontmatter: RunbookFrontmatter;
  markdown: string;
}

export type ParseOutcome = { ok: true; runbook: ParsedRunbook } | { ok: false; problems: RunbookProblem[] };

const FENCE = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** The `##` headings of a markdown body, outside code blocks. */
export function sectionsOf(markdown: string): string[] {
  const out: string[] = [];
  let fenced = false;
  for (const line of markdown.split(/\r?\n/)) {
    if (/^(```|~~~)/.test(line)) fenced = !fenced;
    else if (!fenced) {
      const m = /^##[ \t]+(.+?)[ \t#]*$/.exec(line);
      if (m) out.push(m[1]!.trim());
    }
  }
  return out;
}

/** Problems with a body: each required section that is missing, by name. */
export function missingSections(markdown: string): string[] {
  const have = new Set(sectionsOf(markdown).map((s) => s.toLowerCase()));
  return RUNBOOK_SECTIONS.filter((s) => !have.has(s.toLowerCase()));
}

export function parseRunbook(text: string, path: string): ParseOutcome {
  const fence = FENCE.exec(text.replace(/^\uFEFF/, ''));
  if (!fence) {
    return {
      ok: false,
      problems: [{ path, field: 'frontmatter', message: 'no YAML frontmatter: the file must start with a --- line' }],
    };
  }
  let data: unknown;
  try {
    data = parseYaml(fence[1]!);
  } catch (err) {
    const message = err instanceof YAMLParseError ? err.message.split('\n')[0]! : String(err);
    return { ok: false, problems: [{ path, field: 'frontmatter', message: `not valid YAML: ${message}` }] };
  }
  const problems: RunbookProblem[] = [];
  const markdown = text.replace(/^\uFEFF/, '').slice(fence[0].length);
  const parsed = RunbookFrontmatter.safeParse(data ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      problems.push({ path, field: issue.path.map(String).join('.') || 'frontmatter', message: issue.message });
    }
  }
  for (const section of missingSections(markdown)) {
    problems.push({ path, field: `sections.${section}`, message: `missing section: add a "## ${section}" heading` });
  }
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  return { ok: true, runbook: { frontmatter: parsed.data, markdown } };
}

/** Checks a body given through the API: the same sections as a file needs. */
export function bodyProblems(markdown: string): RunbookProblem[] {
  return missingSections(markdown).map((s) => ({
    path: 'body.markdown',
    field: `sections.${s}`,
    message: `missing section: add a "## ${s}" heading`,
  }));
}
