import { createRequire } from 'node:module';
import { z } from 'zod';

/** The themes whose CSS variables (`--ds-*`) Jira provides to Custom UI once theming is enabled. */
export const THEMES = ['atlassian-light', 'atlassian-spacing', 'atlassian-typography', 'atlassian-shape'] as const;
/** the `data-theme` value on <html> that switches those themes on */
export const THEME_ATTRIBUTE = 'light:light dark:dark spacing:spacing typography:typography shape:shape';

const ThemeModule = z.object({ default: z.string().min(1) });

/** The design-token CSS from the installed `@atlaskit/tokens` (a dependency of the app's pages). */
export function tokensCss(): string {
  const load = createRequire(__filename);
  return THEMES.map((theme) => {
    const mod = ThemeModule.parse(load(`@atlaskit/tokens/dist/cjs/artifacts/themes/${theme}.js`));
    return `/* @atlaskit/tokens ${theme} */\n${mod.default}`;
  }).join('\n');
}
