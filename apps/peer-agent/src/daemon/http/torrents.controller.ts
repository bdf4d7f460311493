import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import type { Response } from 'express';
import type { z } from 'zod';
import type { Transfer, TransferDetail } from '@swarmhub/api-types';
import { AgentService, type AddTransferInput } from '../transfers/agent.service.js';
import { MAX_TORRENT_FILE_BYTES } from '../transfers/fetch-torrent.js';
import { addTorrentBody, deleteDataQuery, infoHashParam, limitsBody } from './dto.js';
import { ZodPipe } from './zod-pipe.js';

const infoHash = new ZodPipe(infoHashParam);

/** The part of multer's file object used here (multer keeps it in memory). */
interface UploadedTorrentFile {
  buffer: Buffer;
}

@Controller('torrents')
export class TorrentsController {
  constructor(private readonly agent: AgentService) {}

  @Get()
  list(): { torrents: Transfer[] } {
    return { torrents: this.agent.list() };
  }

  @Get(':infoHash')
  get(@Param('infoHash', infoHash) hash: string): TransferDetail {
    return this.agent.get(hash);
  }

  @Post()
  @UseInterceptors(
    FileInterceptor('torrent', {
      limits: { fileSize: MAX_TORRENT_FILE_BYTES, files: 1, fields: 10 },
    }),
  )
  async add(
    @Body(new ZodPipe(addTorrentBody)) body: z.output<typeof addTorrentBody>,
    @UploadedFile() file: UploadedTorrentFile | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Transfer> {
    const { created, transfer } = await this.agent.add(addInput(body, file));
    res.status(created ? 201 : 200);
    return transfer;
  }

  @Post(':infoHash/pause')
  @HttpCode(200)
  pause(@Param('infoHash', infoHash) hash: string): Promise<Transfer> {
    return this.agent.pause(hash);
  }

  @Post(':infoHash/resume')
  @HttpCode(200)
  resume(@Param('infoHash', infoHash) hash: string): Promise<Transfer> {
    return this.agent.resume(hash);
  }

  @Post(':infoHash/recheck')
  @HttpCode(200)
  recheck(@Param('infoHash', infoHash) hash: string): Promise<Transfer> {
    return this.agent.recheck(hash);
  }

  @Delete(':infoHash')
  @HttpCode(204)
  remove(
    @Param('infoHash', infoHash) hash: string,
    @Query('deleteData', new ZodPipe(deleteDataQuery)) deleteData: boolean,
  ): Promise<void> {
    return this.agent.remove(hash, deleteData);
  }

  @Patch(':infoHash')
  setLimits(
    @Param('infoHash', infoHash) hash: string,
    @Body(new ZodPipe(limitsBody)) limits: z.output<typeof limitsBody>,
  ): Promise<TransferDetail> {
    return this.agent.setTransferLimits(hash, limits);
  }
}

/** JSON carries the .torrent as base64 in `torrent`; multipart carries it as a file field. */
function addInput(
  body: z.output<typeof addTorrentBody>,
  file: UploadedTorrentFile | undefined,
): AddTransferInput {
  return {
    url: body.url,
    magnet: body.magnet,
    torrent: file
      ? file.buffer
      : body.torrent !== undefined
        ? Buffer.from(body.torrent, 'base64')
        : undefined,
    saveDir: body.saveDir,
    paused: body.paused,
  };
}
