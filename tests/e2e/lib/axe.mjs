// axe-core (npm, pinned in package.json) run inside the phone's frame: the findings a screen
// reader or keyboard user would trip over, by impact.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let source = null;

/** The serious and critical axe findings in `frame` (a Playwright Frame), as short lines, and
 * how many rules passed (proof that axe looked at something). */
export async function seriousFindings(frame) {
  source ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  // Injected through the webdriver, not as a page script: the phone's page runs only its own.
  if (!(await frame.evaluate(() => Boolean(window.axe)))) await frame.evaluate(source);
  const { violations, passed } = await frame.evaluate(async () => {
    const result = await window.axe.run(document);
    return {
      violations: result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) })),
      passed: result.passes.length,
    };
  });
  const serious = violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id} (${v.help}): ${v.nodes.join(', ')}`);
  if (process.env.E2E_DEBUG) console.log('# axe-core, every finding:', JSON.stringify(violations));
  return { serious, passed };
}
