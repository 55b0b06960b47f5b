/** The JavaScript for one TypeScript file (an absolute path), with its inline source map. */
export function transpile (file: string): Promise<string>
