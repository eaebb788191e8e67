import { resizeHeight } from './frame-resize';

describe('resizeHeight', () => {
  it.each<[unknown, number | null]>([
    [{ type: 'sandbox-ui:resize', height: 300 }, 300],
    [{ type: 'sandbox-ui:resize', height: 120.2 }, 121],
    [{ type: 'sandbox-ui:resize', height: 0 }, 0],
    [{ type: 'sandbox-ui:resize', height: -1 }, null],
    [{ type: 'sandbox-ui:resize', height: 1e9 }, null],
    [{ type: 'sandbox-ui:resize', height: '300' }, null],
    [{ type: 'sandbox-ui:resize', height: Number.NaN }, null],
    [{ type: 'other', height: 300 }, null],
    ['sandbox-ui:resize', null],
    [null, null],
  ])('%j → %s', (data, expected) => {
    expect(resizeHeight(data)).toBe(expected);
  });
});
