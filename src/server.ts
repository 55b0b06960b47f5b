// The service's entry point (npm start runs its bundle): runs the service in
// this process. Nothing imports it; what it runs is in serve.ts.
import { startServer } from './serve.ts'

process.exitCode = await startServer()
