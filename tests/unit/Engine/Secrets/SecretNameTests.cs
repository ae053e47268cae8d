using Cutover.Engine.Secrets;

namespace Cutover.Tests.Unit.Engine.Secrets;

public sealed class SecretNameTests
{
    [Theory]
    [InlineData("PASSWORD")]
    [InlineData("DB_PASSWORD")]
    [InlineData("db_password")]
    [InlineData("SMTP_PASS")]
    [InlineData("MYSQL_ROOT_PASSWD")]
    [InlineData("DB_PWD")]
    [InlineData("JWT_SECRET")]
    [InlineData("GITHUB_TOKEN")]
    [InlineData("STRIPE_API_KEY")]
    [InlineData("APIKEY")]
    [InlineData("AWS_SECRET_ACCESS_KEY")]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS")]
    [InlineData("DATABASE_CONNECTION")]
    [InlineData("CONNECTIONSTRING")]
    [InlineData("ConnectionStrings__Default")]
    [InlineData("CONN_STR")]
    [InlineData("REDIS_CONNSTR")]
    [InlineData("TLS_PRIVATE_KEY")]
    [InlineData("BASIC_AUTH")]
    [InlineData("CLIENT_CERT")]
    [InlineData("SENTRY_DSN")]
    [InlineData("DBPASSWORD")]
    [InlineData("myApiKey")]
    [InlineData("slack-token")]
    public void IsSecret_NamesThatHoldSecrets(string name) => Assert.True(SecretName.IsSecret(name), name);

    [Theory]
    [InlineData("KEYBOARD_LAYOUT")]
    [InlineData("AUTHOR")]
    [InlineData("MONKEY_COUNT")]
    [InlineData("PASSENGER_LIMIT")]
    [InlineData("TOKENIZER_MODEL")]
    [InlineData("PWD")]
    [InlineData("OLDPWD")]
    [InlineData("CONNECTION_TIMEOUT")]
    [InlineData("TOKEN_TTL")]
    [InlineData("AUTH_ENABLED")]
    [InlineData("LOG_LEVEL")]
    [InlineData("ASPNETCORE_URLS")]
    [InlineData("PATH")]
    [InlineData("")]
    public void IsSecret_NamesThatDoNot(string name) => Assert.False(SecretName.IsSecret(name), name);
}
