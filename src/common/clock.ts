import { Global, Injectable, Module } from '@nestjs/common';

/** The time source; tests replace it to move through nights and mornings without waiting. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}

@Global()
@Module({ providers: [Clock], exports: [Clock] })
export class ClockModule {}
