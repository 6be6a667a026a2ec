/**
 * @jest-environment node
 */
// The built modules run on Grafana 12.3 (React 18) and 13.2+ (React 19). React 19 removed what these
// patterns name, so none may appear in dist/; and each module may only ask its host for the packages
// Grafana shares with plugins.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharedPackages from '../sharedPackages.json';

const dist = join(__dirname, '..', 'dist');
const modules = [
  'module.js',
  'datasource/module.js',
  'panels/timeline/module.js',
  'panels/burnrate/module.js',
  'panels/stabilize/module.js',
];
const SHARED = new Set<string>(sharedPackages);

const REMOVED_IN_REACT_19: Array<[string, RegExp]> = [
  ['findDOMNode', /findDOMNode/],
  ['ReactDOM.render / hydrate', /\.(render|hydrate)\s*\(\s*[^,()]+,\s*document\./],
  ['unmountComponentAtNode', /unmountComponentAtNode/],
  ['React internals', /__SECRET_INTERNALS_DO_NOT_USE_OR_YOU_WILL_BE_FIRED|__CLIENT_INTERNALS_DO_NOT_USE/],
  ['legacy context', /childContextTypes|getChildContext|contextTypes\s*[:=]/],
  ['string refs', /\bref\s*:\s*["'][A-Za-z_$]/],
  ['react-dom/test-utils', /react-dom\/test-utils/],
  ['propTypes checks on function components', /\.defaultProps\s*=/],
];

describe('built modules', () => {
  beforeAll(() => {
    for (const m of modules) {
      if (!existsSync(join(dist, m))) throw new Error(`dist/${m} is missing: run the build first`);
    }
  });

  it.each(modules)('%s is an AMD module asking only for shared packages', (m) => {
    const code = readFileSync(join(dist, m), 'utf8');
    const define = /^define\((\[[^\]]*\])/.exec(code);
    expect(define).not.toBeNull();
    const deps = JSON.parse(define![1]!) as string[];
    expect(deps.length).toBeGreaterThan(0);
    for (const d of deps) expect(SHARED).toContain(d);
  });

  it.each(modules)('%s uses nothing React 19 removed', (m) => {
    const code = readFileSync(join(dist, m), 'utf8');
    const found = REMOVED_IN_REACT_19.filter(([, re]) => re.test(code)).map(([name]) => name);
    expect(found).toEqual([]);
  });

  it('the scan finds what it looks for', () => {
    const sample = 'x.findDOMNode(a); R.render(el, document.getElementById("r")); C.childContextTypes = {}';
    const found = REMOVED_IN_REACT_19.filter(([, re]) => re.test(sample)).map(([name]) => name);
    expect(found).toEqual(['findDOMNode', 'ReactDOM.render / hydrate', 'legacy context']);
  });
});
