// The unit project runs without services: a unit test that reaches for cognito-local (testCognito()) fails
// here with "cognito-local is not running", in `npm test` as in `npm run test:unit`, instead of passing only
// when the whole suite happens to have started the emulator.
delete process.env["AUTHGW_TEST_COGNITO"];
