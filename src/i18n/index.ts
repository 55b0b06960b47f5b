// The page message catalogs (docs/design.md "Language"): what the HTTP layer needs.
export { BUILT_IN_LOCALES_DIR } from '../package-files.ts'
export { CatalogError, loadCatalogs, type Catalogs, type CatalogSources } from './catalogs.ts'
export { MESSAGE_KEYS } from './messages.ts'
