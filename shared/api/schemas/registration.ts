import { z } from 'zod';
import { TrainingManifest } from '../../ledger/training-manifest';
import { ModelName } from './assist';

export const ModelRegisterInput = z
  .object({
    /** An installed adapter trained in this app (its lineage names the datanet version). */
    adapter: ModelName,
    /** The owner's part of every fee for the model, in basis points (0 to 10,000); the rest is the contributors'. Fixed on chain. */
    ownerShareBps: z.number().int().min(0).max(10_000),
    /** Where the adapter and its manifest can be fetched; informative, kept on chain. */
    uri: z.string().max(2000).default(''),
  })
  .strict();

/** An adapter registered on a chain's ModelRegistry by this app. */
export const ModelRegistration = z.object({
  adapter: ModelName,
  adapterHash: z.string(),
  chainId: z.number().int().positive(),
  modelRegistry: z.string(),
  owner: z.string(),
  trainer: z.string(),
  ownerShareBps: z.number().int(),
  uri: z.string(),
  manifestRoot: z.string(),
  baseModelId: z.string(),
  /** Null when the registration was found on chain rather than sent from here (a restart between send and store). */
  txHash: z.string().nullable(),
  blockNumber: z.number().int().nullable(),
  registeredAt: z.number().int(),
});
export type ModelRegistration = z.infer<typeof ModelRegistration>;

export const RegisterResult = z.object({ registration: ModelRegistration, manifest: TrainingManifest });

/** The adapters registered on the configured network from this app (models.registrations). */
export const RegistrationsResult = z.object({
  /** The configured network's name, as the status bar shows it. */
  network: z.string(),
  /** Installed adapters whose files are still the ones registered, newest registration first. */
  registrations: z.array(ModelRegistration),
});
export type RegistrationsResult = z.infer<typeof RegistrationsResult>;

export const ManifestInput = z.object({ adapter: ModelName }).strict();

export const ManifestResult = z.object({
  manifest: TrainingManifest,
  /** The registration on the configured network, when there is one (the manifest is then the one registered). */
  registration: ModelRegistration.nullable(),
});

export const ManifestVerifyInput = z
  .object({
    /** The manifest file's text. */
    manifest: z.string().max(20_000_000),
    /** An installed adapter whose files must be the ones the manifest names. */
    adapter: ModelName.optional(),
  })
  .strict();

export const ManifestVerification = z.object({
  ok: z.boolean(),
  /** Whether the chain was asked. */
  online: z.boolean(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string() })),
});
export type ManifestVerification = z.infer<typeof ManifestVerification>;
