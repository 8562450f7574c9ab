import { z } from 'zod';

/** Glue registry names: letters, digits, hyphens, underscores, dollar signs and hashes, 1 to 255 (CreateRegistry's RegistryName). */
const REGISTRY_NAME = /^[a-zA-Z0-9-_$#]{1,255}$/;

export const glueSchemaRegistrySchema = z
  .object({
    registryName: z
      .string()
      .regex(REGISTRY_NAME, 'not a Glue registry name (letters, digits, "-", "_", "$", "#", at most 255)')
      .optional()
      .describe(
        "The registry the records' schemas live in. Scopes the function's IAM (glue:GetSchemaVersion on the registry and its schemas) and is checked against each fetched version's schema ARN. " +
          'Unset: any registry of the account in the region.',
      ),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'not an AWS region (e.g. eu-west-1)')
      .optional()
      .describe("Region of the registry. Default: the function's own region."),
  })
  .strict();

export type GlueSchemaRegistrySettings = z.output<typeof glueSchemaRegistrySchema>;
