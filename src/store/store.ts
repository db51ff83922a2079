/**
 * The persistence port. One interface, one adapter per database (SQLite, PostgreSQL); the same
 * contract suite runs against each. Adapters turn driver failures into `StoreUnavailableError`
 * and uniqueness conflicts into outcomes, so callers never see driver errors.
 */
export interface Link {
  readonly partnerUserId: string;
  readonly smallcaseAuthId: string;
  readonly broker: string | null;
  readonly linkedAt: Date;
  readonly updatedAt: Date;
}

export interface NewLink {
  readonly partnerUserId: string;
  readonly smallcaseAuthId: string;
  readonly broker: string | null;
  readonly at: Date;
}

export type LinkOutcome =
  /** A new link row was written. */
  | { readonly status: 'linked'; readonly link: Link }
  /** The user was already linked to this same smallcaseAuthId (broker refreshed). */
  | { readonly status: 'unchanged'; readonly link: Link }
  /** That smallcaseAuthId belongs to another partner user. */
  | { readonly status: 'account_in_use' }
  /** The user is linked to a different smallcaseAuthId; unlink first. */
  | { readonly status: 'user_already_linked'; readonly link: Link };

export interface LinkRepository {
  findByUser(partnerUserId: string): Promise<Link | undefined>;
  /** Links atomically; at most one user per smallcaseAuthId is enforced by a constraint. */
  link(newLink: NewLink): Promise<LinkOutcome>;
  /** Forgets the user's link; returns false when there was none. */
  unlink(partnerUserId: string, at: Date): Promise<boolean>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  readonly links: LinkRepository;
  /** Cheap round trip for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
