import { claimUpload } from '../../files/index.ts';
import type { Ref, Refs } from '../builder.ts';
import type { GraphQLContext } from '../context.ts';
import { inp, out } from '../type-spec.ts';

interface Payload {
  fileInfo: { name: string; url: string };
  clientMutationId: string | null;
}

type CreateInput = { upload: unknown; clientMutationId?: string | null };

/** `CreateFileInput` and `CreateFilePayload`, as Parse names them. */
export function defineCreateFileTypes(builder: Ref, refs: Refs): void {
  refs.set(
    'CreateFileInput',
    builder.inputType('CreateFileInput', {
      fields: (t: Ref) => ({
        upload: t.field({ ...inp('Upload', '!'), description: 'This is the new file to be created and uploaded.' }),
        clientMutationId: t.field(inp('String', '')),
      }),
    }),
  );
  refs.set(
    'CreateFilePayload',
    builder.objectRef('CreateFilePayload').implement({
      fields: (t: Ref) => ({
        fileInfo: t.field({ ...out(refs.get('FileInfo'), '!'), description: 'This is the created file info.', resolve: (p: Payload) => p.fileInfo }),
        clientMutationId: t.field({ ...out('String', ''), resolve: (p: Payload) => p.clientMutationId }),
      }),
    }),
  );
}

/**
 * `createFile(input: {upload})`: the file a multipart request uploaded (already stored while
 * the request streamed in, see server/plugins/use-uploads.ts), as `{name, url}`. Returning it
 * counts as using it: the client now holds its name. Anything but an upload of this request →
 * 130 `Invalid file upload.`
 */
export function createFileMutationFields(refs: Refs, t: Ref): Record<string, Ref> {
  return {
    createFile: t.field({
      ...out(refs.get('CreateFilePayload'), ''),
      description: 'The createFile mutation can be used to create and upload a new file.',
      args: { input: t.arg(inp(refs.get('CreateFileInput'), '!')) },
      resolve: (_r: unknown, { input }: { input: CreateInput }, c: GraphQLContext): Payload => {
        const file = claimUpload(input.upload);
        return { fileInfo: { name: file.name, url: c.fileAccess?.url(file.name) ?? file.url }, clientMutationId: input.clientMutationId ?? null };
      },
    }),
  };
}
