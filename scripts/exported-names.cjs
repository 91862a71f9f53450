#!/usr/bin/env node
/**
 * Exported names per publishable package and entry point (values and types), read with the
 * TypeScript compiler from the built declaration file each `exports` subpath points to (the types
 * of its `import` condition): the size of the public surface, for the closing notes.
 *
 *   pnpm build && node scripts/exported-names.cjs [repository root]
 */
const fs = require('node:fs');
const path = require('node:path');
const root = process.argv[2] ?? path.join(__dirname, '..');
const ts = require(require.resolve('typescript', { paths: [root] }));
let total = 0;
for (const dir of fs.readdirSync(path.join(root, 'packages')).sort()) {
  const pkgDir = path.join(root, 'packages', dir);
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const parts = [];
  let sum = 0;
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (subpath === './package.json') continue;
    const types = typeof target === 'string' ? target : (target.import?.types ?? target.types);
    if (!types) continue;
    const file = path.join(pkgDir, types);
    const program = ts.createProgram([file], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      noEmit: true,
    });
    const checker = program.getTypeChecker();
    const symbol = checker.getSymbolAtLocation(program.getSourceFile(file));
    const names = symbol ? checker.getExportsOfModule(symbol).map((s) => s.name) : [];
    parts.push(`${subpath} ${names.length}`);
    sum += names.length;
  }
  total += sum;
  console.log(`${pkg.name}: ${sum} (${parts.join(', ')})`);
}
console.log(`total: ${total}`);
