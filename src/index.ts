// The package entry: the MS-PCWP protocol core, for other Node programs.
export * from './pcwp/index.js'
