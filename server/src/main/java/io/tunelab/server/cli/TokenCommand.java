package io.tunelab.server.cli;

import io.tunelab.api.Token;
import io.tunelab.client.TunelabClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code tunelab token create|list|revoke}: manages the server's tokens over HTTP, with an admin token. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Creates, lists and revokes the server's tokens (needs an admin token).",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw TunelabCommand.missingCommand(spec);
    }

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Creates a token and prints its secret once.")
    static final class Create implements Callable<Integer> {
        @Option(names = "--name", required = true, description = "the token's unique name, as gpu-box-1")
        String name;
        @Option(names = "--scope", required = true, split = ",", paramLabel = "read|write|worker|admin",
                description = "what the token may do; repeatable")
        List<String> scopes;
        @CommandLine.Mixin
        ServerOption server;

        @Override
        public Integer call() {
            try (TunelabClient client = server.connect()) {
                Token token = client.createToken(name, scopes);
                System.out.println("token " + token.name() + " (" + String.join(", ", token.scopes()) + "); its secret, shown once:");
                System.out.println(token.secret());
                return 0;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the tokens: name, scopes, created, revoked.")
    static final class ListTokens implements Callable<Integer> {
        @CommandLine.Mixin
        ServerOption server;

        @Override
        public Integer call() {
            try (TunelabClient client = server.connect()) {
                System.out.printf("%-24s %-24s %-28s %s%n", "NAME", "SCOPES", "CREATED", "REVOKED");
                for (Token t : client.tokens()) {
                    System.out.printf("%-24s %-24s %-28s %s%n", t.name(), String.join(",", t.scopes()), t.created(),
                            t.revoked() == null ? "-" : t.revoked());
                }
                return 0;
            }
        }
    }

    @Command(name = "revoke", mixinStandardHelpOptions = true, description = "Revokes a token at once.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(index = "0", description = "the token's name")
        String name;
        @CommandLine.Mixin
        ServerOption server;

        @Override
        public Integer call() {
            Reference.token(name);
            try (TunelabClient client = server.connect()) {
                Token t = client.revokeToken(name);
                System.out.println("revoked token " + t.name() + " at " + t.revoked());
                return 0;
            }
        }
    }
}
