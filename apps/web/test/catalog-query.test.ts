import { expect, test } from 'vitest';
import { catalogHref, parseCatalogParams, toTrackerQuery } from '../lib/catalog-query';

test('the sort words of the page map onto the tracker field and order', () => {
  expect(toTrackerQuery(parseCatalogParams({ sort: 'newest' }))).toMatchObject({
    sort: 'uploaded',
    order: 'desc',
  });
  expect(toTrackerQuery(parseCatalogParams({ sort: 'seeders' }))).toMatchObject({
    sort: 'seeders',
    order: 'desc',
  });
  expect(toTrackerQuery(parseCatalogParams({ sort: 'name' }))).toMatchObject({
    sort: 'name',
    order: 'asc',
  });
});

test('nonsense parameters fall back to the defaults instead of reaching the tracker', () => {
  expect(parseCatalogParams({ sort: 'DROP TABLE', page: '-3' })).toEqual({
    q: '',
    category: '',
    sort: 'newest',
    page: 1,
  });
  expect(parseCatalogParams({ page: 'abc' }).page).toBe(1);
  expect(parseCatalogParams({ q: ['first', 'second'] }).q).toBe('first');
  expect(parseCatalogParams({ q: 'x'.repeat(5000) }).q).toHaveLength(200);
});

test('links keep the search and leave defaults out', () => {
  const params = parseCatalogParams({
    q: 'debian iso',
    category: 'Software',
    sort: 'size',
    page: '3',
  });
  expect(catalogHref(params, { page: 4 })).toBe(
    '/?q=debian+iso&category=Software&sort=size&page=4',
  );
  expect(catalogHref(parseCatalogParams({}))).toBe('/');
});
