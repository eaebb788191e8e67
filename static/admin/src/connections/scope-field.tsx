import type { Project } from '../../../shared/src/api/admin-api';
import { Button } from '../../../shared/src/ui/button';
import { TextField } from '../../../shared/src/ui/text-field';
import type { Resource } from '../../../shared/src/ui/use-resource';

/** the scope of one project, quoted (a key such as INT is a reserved word in JQL) */
export function projectScope(project: Pick<Project, 'key'>): string {
  return `project = "${project.key.replace(/["\\]/g, '\\$&')}"`;
}

const MAX_SUGGESTIONS = 6;

/**
 * A connection's scope JQL, with suggestions built from the site's projects (`project = "INT"`):
 * a click puts one in the field. The site checks the query when it is saved.
 */
export function ScopeField({ label, value, onChange, projects, helper, invalid = false }: {
  label: string;
  value: string;
  onChange: (jql: string) => void;
  projects: Resource<Project[]>;
  helper: string;
  invalid?: boolean;
}) {
  const suggestions = (projects.data ?? []).slice(0, MAX_SUGGESTIONS).map(projectScope);
  return (
    <div className="ts-stack" style={{ gap: 4 }}>
      <TextField label={label} value={value} onChange={onChange} helper={helper} invalid={invalid} placeholder={suggestions[0] ?? 'project = "KEY"'} />
      {suggestions.length === 0 ? null : (
        <div className="ts-row" style={{ gap: 4 }}>
          <span className="ts-subtlest">Suggested:</span>
          {suggestions.map((jql) => (
            <Button key={jql} appearance="subtle" onClick={() => onChange(jql)} aria-label={`Use ${jql}`}>
              <code>{jql}</code>
            </Button>
          ))}
        </div>
      )}
      {projects.error === null ? null : <span className="ts-subtlest">No suggestion: the site’s projects could not be read ({projects.error}).</span>}
    </div>
  );
}
