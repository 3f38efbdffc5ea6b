import { errors } from '../../errors/index.ts';
import { deleteFile } from '../../files/serve/index.ts';
import type { Ref, Refs } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { inp, out } from '../type-spec.ts';

interface Payload {
  fileInfo: { name: string; url: string };
  clientMutationId: string | null;
}

type DeleteInput = { name: string; clientMutationId?: string | null };

/** `DeleteFileInput` and `DeleteFilePayload`. */
export function defineDeleteFileTypes(builder: Ref, refs: Refs): void {
  refs.set(
    'DeleteFileInput',
    builder.inputType('DeleteFileInput', {
      fields: (t: Ref) => ({
        name: t.field({ ...inp('String', '!'), description: 'The stored name of the file (`FileInfo.name`).' }),
        clientMutationId: t.field(inp('String', '')),
      }),
    }),
  );
  refs.set(
    'DeleteFilePayload',
    builder.objectRef('DeleteFilePayload').implement({
      fields: (t: Ref) => ({
        fileInfo: t.field({ ...out(refs.get('FileInfo'), '!'), description: 'The file as it was.', resolve: (p: Payload) => p.fileInfo }),
        clientMutationId: t.field({ ...out('String', ''), resolve: (p: Payload) => p.clientMutationId }),
      }),
    }),
  );
}

/**
 * `deleteFile(input: {name})`: Parse's `DELETE /files/<name>` as a mutation — master key only
 * (119), removing the file from the store with the file triggers around it. 122 for a name no
 * file can have, 153 `Could not delete file.` when there is no such file.
 */
export function deleteFileMutationFields(refs: Refs, t: Ref): Record<string, Ref> {
  return {
    deleteFile: t.field({
      ...out(refs.get('DeleteFilePayload'), ''),
      description: 'The deleteFile mutation deletes a stored file (master key only).',
      args: { input: t.arg(inp(refs.get('DeleteFileInput'), '!')) },
      resolve: async (_r: unknown, { input }: { input: DeleteInput }, c: GraphQLContext): Promise<Payload> => {
        if (!c.auth.isMaster) throw errors.masterKeyRequired();
        if (!c.fileAccess) throw errors.invalidQuery('Files are not available on this server.');
        const files = c.fileAccess;
        await deleteFile(files.remove, input.name, c.auth, files.onDeleteFailure);
        return { fileInfo: { name: input.name, url: files.url(input.name) }, clientMutationId: input.clientMutationId ?? null };
      },
    }),
  };
}
