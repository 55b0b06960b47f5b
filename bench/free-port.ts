import { createServer, type AddressInfo } from 'node:net'

/**
 * A TCP port on 127.0.0.1 that was free a moment ago, for the servers under
 * load, which are told their port (the benchmark measures start-up to the
 * first answer, so it does not read the port back from their log).
 */
export async function freePort (): Promise<number> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise(resolve => server.close(resolve))
  return port
}
