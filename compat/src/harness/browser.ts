/**
 * The harness of the browser: the page's module, which the orchestrator's Playwright calls as
 * `window.runCompat(target)`. The page holds no API key: its target names the page's own
 * origin, a proxy that adds the key (see the README's "Browsers").
 */
import { runAll, type Target } from "../checks.js"
;(globalThis as any).runCompat = (target: Target) => runAll(target)
