// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

interface ISettlement {
    function claim(uint256 paymentId, uint256 index, address account, uint256 amount, bytes32[] calldata proof) external;
}

/// A receiver that tries to claim the same share again while its first payout is being sent.
contract ReentrantClaimer {
    ISettlement public immutable settlement;
    uint256 public received;
    uint256 public reentryAttempts;
    bool public reentrySucceeded;
    bytes public reentryError;

    uint256 private _paymentId;
    uint256 private _index;
    uint256 private _amount;
    bytes32[] private _proof;

    constructor(ISettlement s) {
        settlement = s;
    }

    function attack(uint256 paymentId, uint256 index, uint256 amount, bytes32[] calldata proof) external {
        _paymentId = paymentId;
        _index = index;
        _amount = amount;
        _proof = proof;
        settlement.claim(paymentId, index, address(this), amount, proof);
    }

    receive() external payable {
        received += msg.value;
        if (reentryAttempts > 0) return;
        reentryAttempts += 1;
        try settlement.claim(_paymentId, _index, address(this), _amount, _proof) {
            reentrySucceeded = true;
        } catch (bytes memory reason) {
            reentryError = reason;
        }
    }
}
