// Baseline for the command benchmark: a Nest hello-world on the same HTTP adapter (Express), with
// the same JSON body parser, answering a POST without any storage.
require('reflect-metadata');
const { Controller, Post, Body, Module, HttpCode } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

class HelloController {
  hello(body) {
    return { id: 'hello', revision: 0, position: '0-0', echo: body?.companyName };
  }
}
Controller('v1')(HelloController);
Reflect.decorate([Post('hello'), HttpCode(200)], HelloController.prototype, 'hello', Object.getOwnPropertyDescriptor(HelloController.prototype, 'hello'));
Body()(HelloController.prototype, 'hello', 0);

class HelloModule {}
Module({ controllers: [HelloController] })(HelloModule);

NestFactory.create(HelloModule, { logger: false, bodyParser: false }).then(async (app) => {
  app.useBodyParser('json', { limit: '64kb' });
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  process.send?.('ready');
});
