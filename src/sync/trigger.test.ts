import { scopeProjects } from './trigger';

describe('scopeProjects', () => {
  it.each([
    ['project = "INT"', ['INT']],
    ['project = INT', ['INT']],
    ["PROJECT = 'int'", ['INT']],
    ['project in ("INT", CLOUD)', ['INT', 'CLOUD']],
    ['project = INT AND labels = x', null],
    ['labels = x', null],
    ['project in ()', null],
  ])('%s → %j', (jql, projects) => {
    expect(scopeProjects(jql)).toEqual(projects);
  });
});
