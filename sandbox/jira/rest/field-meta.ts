import { customFieldMeta } from '../custom-field-values';
import type { Json } from '../render';
import { SYSTEM_FIELDS } from '../render';
import type { ProjectRecord } from '../storage/records';
import { customFieldId } from '../storage/records';
import type { Services } from './services';

/** FieldCreateMetadata of every field an issue of this type can have in this project (createmeta, editmeta). */
export function fieldMetadata(s: Services, p: ProjectRecord, issueTypeId: number): Json[] {
  const api = s.render.api;
  const type = s.catalog.issueTypeById(issueTypeId);
  const defaultPriority = s.catalog.defaultPriority();
  const f = (fieldId: string, name: string, required: boolean, schema: Json, extra: Json = {}): Json => ({
    required, schema, name, fieldId, key: fieldId, hasDefaultValue: false, operations: ['set'], ...extra,
  });
  const sys = (id: string): Json => SYSTEM_FIELDS.find((x) => x.id === id)?.schema ?? { type: 'string' };
  const fields: Json[] = [
    f('issuetype', 'Issue Type', true, sys('issuetype'), { allowedValues: [s.render.issueType(type)] }),
    f('project', 'Project', true, sys('project'), { allowedValues: [s.render.projectRef(p)] }),
    f('summary', 'Summary', true, sys('summary')),
    f('description', 'Description', false, sys('description')),
    f('reporter', 'Reporter', true, sys('reporter'), { autoCompleteUrl: `${api}/user/search?query=`, hasDefaultValue: true }),
    f('assignee', 'Assignee', false, sys('assignee'), { autoCompleteUrl: `${api}/user/search?query=` }),
    f('priority', 'Priority', false, sys('priority'), {
      allowedValues: s.catalog.priorities.map((pr) => s.render.priorityRef(pr)), hasDefaultValue: defaultPriority !== undefined,
      ...(defaultPriority ? { defaultValue: s.render.priorityRef(defaultPriority) } : {}),
    }),
    f('labels', 'Labels', false, sys('labels'), { autoCompleteUrl: `${api}/label/suggest?query=`, operations: ['add', 'set', 'remove'] }),
    f('duedate', 'Due date', false, sys('duedate')),
    f('parent', 'Parent', type.subtask, sys('parent')),
    // the project's components and versions to choose from, set, added or removed (project-parts.ts)
    f('components', 'Components', false, sys('components'), {
      allowedValues: s.parts.components(p.id).map((c) => s.partsView.componentRef(c)), operations: ['add', 'set', 'remove'],
    }),
    f('fixVersions', 'Fix versions', false, sys('fixVersions'), {
      allowedValues: s.parts.versions(p.id).map((v) => s.partsView.versionRef(v)), operations: ['set', 'add', 'remove'],
    }),
    // only the custom fields a context puts on this project and issue type, option types with their allowedValues
    ...s.catalog.customFields.flatMap((cf) => {
      const meta = customFieldMeta(s.render, s.catalog, s.issues.fields.customValues, cf, p.id, issueTypeId);
      return meta === undefined ? [] : [f(customFieldId(cf.id), cf.name, false, s.render.customFieldSchema(cf), meta)];
    }),
  ];
  return fields;
}
