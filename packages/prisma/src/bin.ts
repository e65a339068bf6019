#!/usr/bin/env node
import { prismaCommand } from './command.js';

await prismaCommand().name('pgsafe-prisma').parseAsync(process.argv);
