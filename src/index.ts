// The package entry: the MS-OCGCWEB protocol core, for other Node programs.
export * from './pcwp/index.ts'
