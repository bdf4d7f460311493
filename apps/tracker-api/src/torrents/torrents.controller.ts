import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  StreamableFile,
  UploadedFile,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { AdminTokenGuard } from './admin-token.guard.js';
import { CompletionsQuery } from './dto/completions.query.js';
import { ListTorrentsQuery } from './dto/list-torrents.query.js';
import {
  CategoriesDto,
  CompletionSeriesDto,
  MagnetDto,
  TorrentDetailDto,
  TorrentPageDto,
} from './dto/torrent.dto.js';
import { UploadTorrentDto } from './dto/upload-torrent.dto.js';
import { InfoHashPipe } from './info-hash.pipe.js';
import { TorrentCatalog } from './torrent-catalog.service.js';

/** A download name that survives any header parser: ASCII fallback plus the RFC 5987 form. */
function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

@ApiTags('torrents')
@Controller('api/v1')
export class TorrentsController {
  constructor(private readonly catalog: TorrentCatalog) {}

  @Post('torrents')
  @UseInterceptors(FileInterceptor('torrent'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['torrent'],
      properties: {
        torrent: { type: 'string', format: 'binary' },
        title: { type: 'string' },
        description: { type: 'string' },
        category: { type: 'string' },
        tags: { type: 'string', description: 'comma-separated' },
      },
    },
  })
  @ApiCreatedResponse({ type: TorrentDetailDto })
  @ApiConflictResponse({ description: '{ statusCode, message, infoHash, existing }' })
  @ApiPayloadTooLargeResponse()
  upload(@UploadedFile() file: { buffer: Buffer } | undefined, @Body() fields: UploadTorrentDto) {
    return this.catalog.upload(file?.buffer, fields);
  }

  @Get('torrents')
  @ApiOkResponse({ type: TorrentPageDto })
  list(@Query() query: ListTorrentsQuery) {
    return this.catalog.list(query);
  }

  @Get('categories')
  @ApiOkResponse({ type: CategoriesDto })
  categories() {
    return this.catalog.categories();
  }

  @Get('torrents/:infoHash')
  @ApiOkResponse({ type: TorrentDetailDto })
  detail(@Param('infoHash', InfoHashPipe) infoHash: string) {
    return this.catalog.detail(infoHash);
  }

  @Get('torrents/:infoHash/torrent')
  @ApiProduces('application/x-bittorrent')
  @ApiOkResponse({ description: 'The .torrent file exactly as uploaded' })
  async torrentFile(@Param('infoHash', InfoHashPipe) infoHash: string): Promise<StreamableFile> {
    const { data, fileName } = await this.catalog.torrentFile(infoHash);
    return new StreamableFile(data, {
      type: 'application/x-bittorrent',
      disposition: attachment(fileName),
      length: data.length,
    });
  }

  @Get('torrents/:infoHash/magnet')
  @ApiOkResponse({ type: MagnetDto })
  magnet(@Param('infoHash', InfoHashPipe) infoHash: string) {
    return this.catalog.magnet(infoHash);
  }

  @Get('torrents/:infoHash/completions')
  @ApiOkResponse({ type: CompletionSeriesDto })
  completions(@Param('infoHash', InfoHashPipe) infoHash: string, @Query() query: CompletionsQuery) {
    return this.catalog.completionSeries(infoHash, query.bucket);
  }

  @Delete('torrents/:infoHash')
  @HttpCode(204)
  @UseGuards(AdminTokenGuard)
  @ApiBearerAuth()
  @ApiNoContentResponse()
  @ApiUnauthorizedResponse()
  remove(@Param('infoHash', InfoHashPipe) infoHash: string): Promise<void> {
    return this.catalog.remove(infoHash);
  }
}
