import type { JqlFieldRef } from './ast';
import { customField } from './custom-fields';
import type { FieldSpec } from './field-spec';
import { propertyField } from './property-field';
import { systemField, unsupportedJiraField } from './system-fields';
import { JqlError, type JqlContext } from './types';

/** Entities whose properties Jira can search but the emulated site cannot. */
const OTHER_PROPERTY_ENTITIES = new Set(['project', 'comment', 'user', 'issuetype', 'worklog', 'sprint', 'board', 'version', 'component']);

function unknownField(text: string): JqlError {
  return new JqlError(`Field '${text}' does not exist or you do not have permission to view it.`, 'unknown-field');
}

/**
 * Resolves a field reference to its spec: system fields first (as Jira does), then custom fields by
 * name (case-insensitive; several fields with one name are searched together), then Jira fields the
 * site does not store ('unsupported'), else 'unknown-field'. Also `cf[NNNNN]` and `issue.property[key].path`.
 */
export function resolveField(ref: JqlFieldRef, ctx: JqlContext): FieldSpec {
  switch (ref.kind) {
    case 'property':
      if (ref.entity !== 'issue') {
        if (!OTHER_PROPERTY_ENTITIES.has(ref.entity)) throw unknownField(ref.text.slice(0, ref.text.indexOf('[')));
        throw new JqlError(`Searching ${ref.entity} properties ('${ref.text}') is not supported by the emulated Jira site.`, 'unsupported');
      }
      return propertyField(ref.key, ref.path, ref.text);
    case 'cf': {
      const id = `customfield_${ref.id}`;
      const field = ctx.customFields.find((f) => f.id === id);
      if (!field) throw unknownField(ref.text);
      return customField([field], field.name, ctx);
    }
    case 'name': {
      const system = systemField(ref.name, ctx);
      if (system) return system;
      const lower = ref.name.toLowerCase();
      const fields = ctx.customFields.filter((f) => f.name.toLowerCase() === lower);
      const first = fields[0];
      if (!first) throw unsupportedJiraField(ref.name) ?? unknownField(ref.name);
      return customField(fields, first.name, ctx);
    }
  }
}
