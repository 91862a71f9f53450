import { describe, expect, it } from 'vitest';
import { parseClusterNodes } from './cluster-nodes.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('parseClusterNodes', () => {
  it('parses primaries, replicas, slot ranges and link state', () => {
    const text = [
      `${A} 127.0.0.1:30001@40001 myself,master - 0 0 1 connected 0-5460 7000 [5461->-${B}]`,
      `${B} 127.0.0.1:30002@40002,node-b master - 0 1700000000000 2 connected 5461-16383`,
      `${C} 127.0.0.1:30003@40003 slave,fail? ${A} 1700000000000 1700000000000 1 disconnected`,
      '',
    ].join('\n');

    expect(parseClusterNodes(text)).toEqual([
      {
        id: A,
        host: '127.0.0.1',
        port: 30001,
        busPort: 40001,
        flags: ['myself', 'master'],
        role: 'primary',
        primaryId: undefined,
        connected: true,
        slots: [
          [0, 5460],
          [7000, 7000],
        ],
      },
      expect.objectContaining({ id: B, port: 30002, busPort: 40002, slots: [[5461, 16383]] }),
      expect.objectContaining({
        id: C,
        role: 'replica',
        primaryId: A,
        connected: false,
        flags: ['slave', 'fail?'],
      }),
    ]);
  });

  it('keeps a node that has no address yet', () => {
    expect(parseClusterNodes(`${A} :0@0 myself,master - 0 0 0 connected`)[0]).toMatchObject({
      host: '',
      port: 0,
    });
  });
});
