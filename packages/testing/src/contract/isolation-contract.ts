import { escapeGlob } from '@forno/core';
import { expect, it } from 'vitest';
import { type ContractContext, eventually, scannedKeys } from './contract-context.js';

/** Key prefixes isolate repositories sharing one backend, including patterns and channels. */
export function isolationContract(ctx: ContractContext): void {
  it('a prefix isolates keys, scans and deletePattern between repositories', async () => {
    const repo = ctx.repo();
    const other = await ctx.createSibling(`${ctx.prefix()}other:`);
    const v = ctx.value;
    await repo.set('menu:1', v('mine'));
    await other.set('menu:1', v('theirs'));
    expect(await repo.get('menu:1')).toEqual(v('mine'));
    expect(await other.get('menu:1')).toEqual(v('theirs'));
    expect(await scannedKeys(repo.scan('*'))).toContain('menu:1');
    expect(await scannedKeys(repo.scan('*'))).toContain('other:menu:1');
    expect(await scannedKeys(other.scan('*'))).toEqual(['menu:1']);
    expect(await other.deletePattern('*')).toBe(1);
    expect(await repo.get('menu:1')).toEqual(v('mine'));
  });

  it('glob characters in the prefix are escaped in scans', async () => {
    const repo = ctx.repo();
    const star = await ctx.createSibling(`${ctx.prefix()}*[x]?:`);
    const plain = await ctx.createSibling(`${ctx.prefix()}ab]c:`);
    await star.set('k', ctx.value(1));
    await plain.set('k', ctx.value(2));
    expect(await scannedKeys(star.scan('*'))).toEqual(['k']);
    expect(await star.deletePattern('*')).toBe(1);
    expect(await plain.get('k')).toEqual(ctx.value(2));
    expect(await repo.exists('ab]c:k')).toBe(true);
  });

  it('glob characters in user data are matched literally once escaped', async () => {
    const repo = ctx.repo();
    await repo.mset(
      ctx.fields({ 'item:a*b': 1, 'item:axxb': 2, 'item:a?b': 3, 'item:a[1]': 4, 'item:a1': 5 }),
    );
    expect(await scannedKeys(repo.scan(`item:${escapeGlob('a*b')}`))).toEqual(['item:a*b']);
    expect(await scannedKeys(repo.scan(`item:${escapeGlob('a?b')}`))).toEqual(['item:a?b']);
    expect(await scannedKeys(repo.scan(`item:${escapeGlob('a[1]')}`))).toEqual(['item:a[1]']);
    expect(await scannedKeys(repo.scan('item:a*b'))).toEqual(['item:a*b', 'item:a?b', 'item:axxb']);
  });

  it('Redis glob rules: ?, [abc], [a-c], [^a] and escapes', async () => {
    const repo = ctx.repo();
    await repo.mset(ctx.fields({ h1: 1, h2: 2, h3: 3, ha: 4, hb: 5, 'h*': 6, hello: 7 }));
    const scan = (pattern: string) => scannedKeys(repo.scan(pattern));
    expect(await scan('h?')).toEqual(['h*', 'h1', 'h2', 'h3', 'ha', 'hb']);
    expect(await scan('h[12]')).toEqual(['h1', 'h2']);
    expect(await scan('h[1-2]')).toEqual(['h1', 'h2']);
    expect(await scan('h[^1-3]')).toEqual(['h*', 'ha', 'hb']);
    expect(await scan('h\\*')).toEqual(['h*']);
    expect(await scan('h*o')).toEqual(['hello']);
  });

  it('pub/sub channels are prefixed like keys', async () => {
    const repo = ctx.repo();
    const other = await ctx.createSibling(`${ctx.prefix()}other:`);
    const mine: string[] = [];
    const unsubscribe = await repo.subscribe('events', (message) => mine.push(message));
    expect(await other.publish('events', 'for other prefix')).toBe(0);
    await repo.publish('events', 'for me');
    expect(await eventually(() => mine.length === 1)).toBe(true);
    expect(mine).toEqual(['for me']);
    await unsubscribe();
  });
}
