import { SORT_OPTIONS, type CatalogParams } from '../../lib/catalog-query';

// A plain GET form: searching works before (and without) any JavaScript, and every result page
// has a URL that can be shared.
export function CatalogSearchForm({
  params,
  categories,
}: {
  params: CatalogParams;
  categories: string[];
}) {
  const categoryChoices =
    params.category && !categories.includes(params.category)
      ? [...categories, params.category]
      : categories;
  return (
    <form role="search" method="get" action="/" className="catalog-search">
      <div className="field field-grow">
        <label htmlFor="catalog-q">Search</label>
        <input
          id="catalog-q"
          type="search"
          name="q"
          defaultValue={params.q}
          placeholder="Title, file name or tag"
          maxLength={200}
        />
      </div>
      <div className="field">
        <label htmlFor="catalog-category">Category</label>
        <select id="catalog-category" name="category" defaultValue={params.category}>
          <option value="">All categories</option>
          {categoryChoices.map((category) => (
            <option key={category} value={category}>
              {category}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="catalog-sort">Sort by</label>
        <select id="catalog-sort" name="sort" defaultValue={params.sort}>
          {SORT_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit" className="button button-primary">
        Search
      </button>
    </form>
  );
}
