import type { IssueFieldWrite } from '../../../ports/jira';
import type { RulesIssue } from '../../../ports/rules';
import { AdfDocSchema, type JsonValue } from '../../../model/replica';
import { CUSTOM_FIELD_PREFIX, fieldValuesOf } from '../../field-values';
import type { FieldValues } from '../../state/records';

/** The desired values the merge compares: a status of null means "no preference". */
export function desiredValues(desired: RulesIssue): FieldValues {
  const values = fieldValuesOf(desired);
  if (desired.status === null) delete values.status;
  return values;
}

/** Field values as a Jira write (the status is not a field: the status part walks the workflow; nor the resolution: resolution.ts). */
export function toFieldWrite(values: FieldValues): IssueFieldWrite {
  const write: IssueFieldWrite = {};
  const custom: Record<string, JsonValue> = {};
  for (const [field, value] of Object.entries(values)) {
    switch (field) {
      case 'summary': if (typeof value === 'string') write.summary = value; break;
      case 'description': {
        const doc = AdfDocSchema.nullable().safeParse(value);
        if (doc.success) write.description = doc.data;
        break;
      }
      case 'priority': if (typeof value === 'string' || value === null) write.priority = value; break;
      case 'labels': if (Array.isArray(value)) write.labels = value.filter((l): l is string => typeof l === 'string'); break;
      case 'dueDate': if (typeof value === 'string' || value === null) write.dueDate = value; break;
      case 'assignee': if (typeof value === 'string' || value === null) write.assignee = value; break;
      case 'status': break;
      // not an edit's field in Jira Cloud (src/sync/parts/fields/resolution.ts): the fields and status parts write it
      case 'resolution': break;
      case 'parent': if (typeof value === 'string' || value === null) write.parent = value; break;
      case 'components': if (Array.isArray(value)) write.components = value.filter((c): c is string => typeof c === 'string'); break;
      case 'fixVersions': if (Array.isArray(value)) write.fixVersions = value.filter((c): c is string => typeof c === 'string'); break;
      default:
        if (field.startsWith(CUSTOM_FIELD_PREFIX)) custom[field.slice(CUSTOM_FIELD_PREFIX.length)] = value;
    }
  }
  if (Object.keys(custom).length > 0) write.customFields = custom;
  return write;
}
