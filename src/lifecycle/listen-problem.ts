/** The listen address of a server and the variables that set it, for a failure message. */
export interface ListenTarget {
  readonly portVariable: string;
  readonly hostVariable: string;
  readonly port: number;
  readonly host: string;
  /** Who else is likely to hold the port, said in brackets after "already in use". */
  readonly usualSuspect?: string;
}

/**
 * One start-up line for a failed `listen` that names the variable to change, or undefined when
 * the failure is not about the address. A bare `EADDRINUSE` leaves a newcomer guessing.
 */
export function listenProblem(error: unknown, target: ListenTarget): string | undefined {
  const { portVariable, hostVariable, port, host } = target;
  switch ((error as NodeJS.ErrnoException | undefined)?.code) {
    case 'EADDRINUSE': {
      const suspect = target.usualSuspect ? ` (${target.usualSuspect})` : '';
      const example = port < 65535 ? `, e.g. ${portVariable}=${port + 1}` : '';
      return `${portVariable}: port ${port} on ${host} is already in use${suspect}; set ${portVariable} to a free port${example}`;
    }
    case 'EACCES':
      return `${portVariable}: not allowed to listen on port ${port} (ports below 1024 need privileges); set ${portVariable} to 1024 or higher`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${hostVariable}: ${JSON.stringify(host.slice(0, 100))} is not an address of this machine; set ${hostVariable} to one (127.0.0.1 for this machine only, 0.0.0.0 for every interface)`;
    default:
      return undefined;
  }
}
