import type { CommandHelp } from './command.ts';
import type { RunView } from '../views/run-view.ts';
import type { Role } from '../auth/roles.ts';

export interface TenantRef {
  id: string;
  name: string;
  slug: string;
}

export interface RunListItem {
  id: string;
  shortId: string;
  type: string;
  typeLabel: string;
  status: string;
  statusLabel: string;
  createdAt: string;
  reasonCodes: string[];
}

export interface ConnectionSummary {
  id: string;
  shortId: string;
  clientId: string;
  status: string;
  lastVerifiedAt: string | null;
  lastVerificationRunId: string | null;
}

/** What a chat request produced, as a view model; adapters render it per platform. */
export type ChatReply =
  | { kind: 'run'; run: RunView; deduplicated: boolean; redelivered: boolean; messages: { platform: string; channelId: string; messageId: string }[] }
  | { kind: 'runs'; tenant: TenantRef; runs: RunListItem[]; viewerRole: Role }
  | { kind: 'status'; tenant: TenantRef; connection: ConnectionSummary | null; activeRuns: RunListItem[]; viewerRole: Role }
  | { kind: 'whoami'; tenant: TenantRef; member: { id: string; role: Role; platform: string; userId: string; teamId: string; displayName: string | null } }
  | { kind: 'help'; problem?: string; commands: CommandHelp[]; notes: string[] }
  | {
      kind: 'error';
      reasonCode: string;
      message: string;
      remediation: string;
      /** A role denial: shown as "not allowed". */
      denied: boolean;
      /** For unknown members and unbound channels: the exact ids and the CLI lines an owner runs. */
      setup?: Record<string, unknown>;
    };
