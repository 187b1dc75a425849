/** Media: list uploads and samples, upload a video (multipart field `file`, streamed to disk), delete an upload. */
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AneloError } from '../../../nodes/core/errors.ts';
import { MediaEntry, NameParam } from '../schemas.ts';

const mediaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/media', { schema: { response: { 200: Type.Object({ media: Type.Array(MediaEntry) }) } } }, async () => ({ media: await app.mediaLibrary.list() }));

  app.post('/media', { schema: { consumes: ['multipart/form-data'], response: { 201: Type.Object({ media: MediaEntry }) } } }, async (req, reply) => {
    if (!req.isMultipart()) throw new AneloError('ANELO_E052_BAD_REQUEST', 'upload a video as multipart/form-data in the field "file"', { param: 'file' });
    const limit = app.aneloOptions.uploadLimitBytes;
    // One video per request: a second file part ends the upload with an error instead of being dropped unread.
    const parts = req.parts({ limits: { fileSize: limit, files: 1 } });
    let part = (await parts.next()).value;
    while (part && part.type !== 'file') part = (await parts.next()).value;
    if (!part || part.fieldname !== 'file') {
      part?.file.resume();
      throw new AneloError('ANELO_E052_BAD_REQUEST', 'upload a video in the multipart field "file"', { param: 'file' });
    }
    const restOfRequest = async (): Promise<void> => {
      try {
        while (!(await parts.next()).done) { /* fields after the file are ignored, as before */ }
      } catch (e) {
        if ((e as { code?: string }).code !== 'FST_FILES_LIMIT') throw e;
        throw new AneloError('ANELO_E052_BAD_REQUEST', 'upload one video per request: this one has more than one file', { param: 'file' });
      }
    };
    const media = await app.mediaLibrary.add(part.filename, part.file, limit, restOfRequest);
    return reply.code(201).send({ media });
  });

  app.delete('/media/:name', { schema: { params: NameParam } }, async (req, reply) => {
    // A render still reading the file would fail half-way (the encoder opens it again for the audio).
    const reading = app.runs.readingInput(req.params.name);
    if (reading.length > 0) {
      throw new AneloError('ANELO_E074_MEDIA_IN_USE', `"${req.params.name}" is being rendered (run ${reading[0]}${reading.length > 1 ? ` and ${reading.length - 1} more` : ''}): cancel the run, or delete the file once it has finished`, { param: 'name' });
    }
    await app.mediaLibrary.remove(req.params.name);
    return reply.code(204).send();
  });
};

export default mediaRoutes;
