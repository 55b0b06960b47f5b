// The service's entry point (npm start runs its bundle): runs the service in
// this process. Nothing imports it; what it runs is in service-process.ts.
import { startServer } from './service-process.ts'

process.exitCode = await startServer()
