import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, test } from 'vitest';
import { PieceMap } from '../components/agent/piece-map';

function render(done: number[], inProgress: number[], pieceCount: number): string {
  const base64 = (bytes: number[]) => Buffer.from(bytes).toString('base64');
  return renderToStaticMarkup(
    createElement(PieceMap, { bitfield: base64(done), inProgress: base64(inProgress), pieceCount }),
  );
}

test('draws done, in progress and missing pieces, and says how many of each', () => {
  // 12 pieces: 0-4 done, 5-6 in progress, 7-11 missing.
  const html = render([0b1111_1000, 0], [0b0000_0110, 0], 12);
  const summary = '5 done, 2 in progress, 5 missing (of 12 pieces)';
  expect(html).toContain(`role="img" aria-label="${summary}"`);
  expect(html).toContain(`<figcaption>${summary}.`);
  const classes = [...html.matchAll(/<rect [^>]*class="([^"]+)"/g)].map((m) => m[1]);
  expect(classes).toEqual([
    ...Array<string>(5).fill('piece-done'),
    'piece-in-progress',
    'piece-in-progress',
    ...Array<string>(5).fill('piece-missing'),
  ]);
  expect(html).toMatch(/piece-in-progress" aria-hidden="true"><\/span> in progress/);
  expect(html).not.toContain('partly done');
});

test('a complete transfer has nothing in progress', () => {
  const html = render([0xff], [0], 8);
  expect(html).toContain('aria-label="8 done, 0 in progress, 0 missing (of 8 pieces)"');
});

test('an unreadable map says so instead of drawing', () => {
  const html = renderToStaticMarkup(
    createElement(PieceMap, { bitfield: '%%%', inProgress: '', pieceCount: 8 }),
  );
  expect(html).toContain('cannot read');
});
