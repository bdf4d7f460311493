import { CatalogSearchForm } from '../components/catalog/catalog-search-form';
import { CatalogResults } from '../components/catalog/catalog-results';
import { TrackerUnavailable } from '../components/catalog/tracker-unavailable';
import { parseCatalogParams, toTrackerQuery } from '../lib/catalog-query';
import { getCategories, listTorrents, TrackerApiError } from '../lib/tracker-api';

export default async function CatalogPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = parseCatalogParams(await searchParams);
  try {
    const [results, categories] = await Promise.all([
      listTorrents(toTrackerQuery(params)),
      getCategories(),
    ]);
    return (
      <>
        <h1>Catalog</h1>
        <CatalogSearchForm params={params} categories={categories} />
        <CatalogResults params={params} results={results} />
      </>
    );
  } catch (error) {
    if (!(error instanceof TrackerApiError)) throw error;
    return (
      <>
        <h1>Catalog</h1>
        <TrackerUnavailable message={error.message} />
      </>
    );
  }
}
